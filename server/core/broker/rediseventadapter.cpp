#include "broker/rediseventadapter.h"

#include <QSocketNotifier>

#include <hiredis/async.h>

namespace Herald {
namespace {

RedisEventAdapter *adapterOf(void *data)
{
    return static_cast<RedisEventAdapter *>(data);
}

} // namespace

RedisEventAdapter::RedisEventAdapter(redisAsyncContext *context) : m_context(context)
{ }

RedisEventAdapter::~RedisEventAdapter() = default;

void RedisEventAdapter::attach(redisAsyncContext *context)
{
    auto *adapter = new RedisEventAdapter(context); // deletes itself in cleanup()
    context->ev.data = adapter;
    context->ev.addRead
        = [](void *data) { adapterOf(data)->watch(adapterOf(data)->m_read, false); };
    context->ev.delRead = [](void *data) { drop(adapterOf(data)->m_read); };
    context->ev.addWrite
        = [](void *data) { adapterOf(data)->watch(adapterOf(data)->m_write, true); };
    context->ev.delWrite = [](void *data) { drop(adapterOf(data)->m_write); };
    context->ev.cleanup = [](void *data) { adapterOf(data)->cleanup(); };
}

void RedisEventAdapter::watch(std::unique_ptr<QSocketNotifier> &notifier, bool write)
{
    if (notifier && notifier->isEnabled())
        return;
    drop(notifier);
    notifier = std::make_unique<QSocketNotifier>(
        m_context->c.fd, write ? QSocketNotifier::Write : QSocketNotifier::Read);
    connect(notifier.get(), &QSocketNotifier::activated, this, [this, write] {
        // The context may be gone by now: cleanup() forgets it.
        if (m_context)
            write ? redisAsyncHandleWrite(m_context) : redisAsyncHandleRead(m_context);
    });
}

// A notifier may be dropped from within its own activation: it is disabled now and
// deleted later.
void RedisEventAdapter::drop(std::unique_ptr<QSocketNotifier> &notifier)
{
    if (!notifier)
        return;
    notifier->setEnabled(false);
    notifier.release()->deleteLater();
}

void RedisEventAdapter::cleanup()
{
    drop(m_read);
    drop(m_write);
    m_context = nullptr;
    deleteLater();
}

} // namespace Herald
