#pragma once

#include <QObject>

#include <memory>

class QSocketNotifier;
struct redisAsyncContext;

namespace Herald {

// Runs a hiredis async context on the Qt event loop of the thread it is attached in, with
// QSocketNotifiers, as hiredis's own adapters/qt.h does. Ours because that adapter writes
// into the context in its destructor, after hiredis has freed the context on a lost
// connection; this one forgets the context in hiredis's cleanup hook and deletes itself.
class RedisEventAdapter : public QObject
{
public:
    // Hooks \a context into this thread's event loop. The adapter lives as long as the
    // context: redisAsyncFree (ours, or hiredis's on a lost connection) ends it.
    static void attach(redisAsyncContext *context);

private:
    explicit RedisEventAdapter(redisAsyncContext *context);
    ~RedisEventAdapter() override;

    void watch(std::unique_ptr<QSocketNotifier> &notifier, bool write);
    static void drop(std::unique_ptr<QSocketNotifier> &notifier);
    void cleanup();

    redisAsyncContext *m_context;
    std::unique_ptr<QSocketNotifier> m_read;
    std::unique_ptr<QSocketNotifier> m_write;
};

} // namespace Herald
