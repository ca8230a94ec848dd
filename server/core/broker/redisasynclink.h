#pragma once

#include "config/brokeraddress.h"

#include <QByteArrayList>
#include <QObject>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
struct redisReply;

namespace Herald {

// One hiredis async connection on the event loop of the thread it lives in (never a worker
// thread), for the presence registry: connects (AUTH, SELECT), and after a lost connection
// retries with a backoff doubling from 100 ms to 5 s, logging once per change of state.
// Commands sent while it is connected are pipelined: none waits for another's answer.
class RedisAsyncLink : public QObject
{
    Q_OBJECT

public:
    // \a role names it in the log ("presence", "control").
    RedisAsyncLink(BrokerAddress address, QString role, QObject *parent = nullptr);
    ~RedisAsyncLink() override;

    void open(); // connects now, and again after each loss until close()
    void close();
    bool isReady() const { return m_ready; }

    // The reply, or null when the connection is down or lost before the answer; \a done
    // runs in this thread. Not connected: \a done(nullptr) at once.
    using Done = std::function<void(const redisReply *reply)>;
    void command(const QByteArrayList &args, Done done = {});
    // SUBSCRIBE: \a onMessage gets each message's payload until the connection is lost;
    // send it again on ready().
    void subscribe(const QByteArray &channel, std::function<void(const QByteArray &)> onMessage);

Q_SIGNALS:
    void ready(); // connected and authenticated; (re)send what a new connection needs
    void lost();
    void subscribed(const QByteArray &channel); // Redis confirmed a SUBSCRIBE

private:
    void connectNow();
    void retryLater(const QString &why);
    void drop();
    void send(const QByteArrayList &args, void (*callback)(redisAsyncContext *, void *, void *),
              void *data);
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onCommand(redisAsyncContext *context, void *reply, void *data);
    static void onSetup(redisAsyncContext *context, void *reply, void *data);
    static void onMessage(redisAsyncContext *context, void *reply, void *data);

    BrokerAddress m_address;
    QString m_role;
    redisAsyncContext *m_context = nullptr;
    QTimer m_retry;
    QTimer m_watchdog; // a connection not ready in time is dropped
    int m_backoffMs = 0;
    bool m_open = false;
    bool m_ready = false;
    bool m_down = false;
    std::function<void(const QByteArray &)> m_onMessage;
};

} // namespace Herald
