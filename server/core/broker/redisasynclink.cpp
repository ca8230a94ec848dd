#include "broker/redisasynclink.h"

#include "broker/rediseventadapter.h"
#include "logging.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr int FirstBackoffMs = 100;
constexpr int MaxBackoffMs = 5000;
constexpr int ReadyTimeoutMs = 5000;

RedisAsyncLink *linkOf(const redisAsyncContext *context)
{
    return static_cast<RedisAsyncLink *>(context->data);
}

QByteArray bytes(const redisReply *reply)
{
    return reply && reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
}

} // namespace

RedisAsyncLink::RedisAsyncLink(BrokerAddress address, QString role, QObject *parent)
    : QObject(parent), m_address(std::move(address)), m_role(std::move(role))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RedisAsyncLink::connectNow);
    m_watchdog.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        drop();
        retryLater(u"no answer within %1 ms"_s.arg(ReadyTimeoutMs));
    });
}

RedisAsyncLink::~RedisAsyncLink()
{
    close();
}

void RedisAsyncLink::open()
{
    m_open = true;
    connectNow();
}

void RedisAsyncLink::close()
{
    m_open = false;
    m_retry.stop();
    drop();
}

void RedisAsyncLink::connectNow()
{
    if (!m_open || m_context)
        return;
    m_context = redisAsyncConnect(m_address.host.toUtf8().constData(), m_address.port);
    if (!m_context || m_context->err) {
        const QString why = m_context ? QString::fromUtf8(m_context->errstr) : u"out of memory"_s;
        if (m_context)
            redisAsyncFree(m_context);
        m_context = nullptr;
        return retryLater(why);
    }
    m_context->data = this;
    RedisEventAdapter::attach(m_context);
    redisAsyncSetConnectCallback(m_context, &RedisAsyncLink::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisAsyncLink::onDisconnect);
    if (!m_address.password.isEmpty())
        send({"AUTH", m_address.password}, &RedisAsyncLink::onSetup, nullptr);
    // The SELECT's answer (data non-null) marks the link ready.
    send({"SELECT", QByteArray::number(m_address.db)}, &RedisAsyncLink::onSetup, this);
    m_watchdog.start(ReadyTimeoutMs);
}

// Pending commands are answered null by hiredis as it frees the context.
void RedisAsyncLink::drop()
{
    m_watchdog.stop();
    const bool wasReady = std::exchange(m_ready, false);
    if (m_context) {
        redisAsyncContext *context = std::exchange(m_context, nullptr);
        context->data = nullptr; // its callbacks must not come back here
        redisAsyncFree(context);
    }
    if (wasReady)
        Q_EMIT lost();
}

void RedisAsyncLink::retryLater(const QString &why)
{
    m_watchdog.stop();
    if (!m_open || m_retry.isActive())
        return;
    if (!m_down) {
        // Worded apart from the subscriber's "lost:" / "is back", which tests count.
        qCWarning(lcBroker).noquote() << m_role << "connection to the broker" << m_address.display()
                                      << u"dropped (%1) - retrying with backoff"_s.arg(why);
    }
    m_down = true;
    m_backoffMs = m_backoffMs == 0 ? FirstBackoffMs : std::min(m_backoffMs * 2, MaxBackoffMs);
    m_retry.start(m_backoffMs);
}

void RedisAsyncLink::send(const QByteArrayList &args,
                          void (*callback)(redisAsyncContext *, void *, void *), void *data)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    redisAsyncCommandArgv(m_context, callback, data, int(argv.size()), argv.data(), lengths.data());
}

void RedisAsyncLink::command(const QByteArrayList &args, Done done)
{
    if (!m_ready) {
        if (done)
            done(nullptr);
        return;
    }
    send(args, &RedisAsyncLink::onCommand, new Done(std::move(done)));
}

void RedisAsyncLink::subscribe(const QByteArray &channel,
                               std::function<void(const QByteArray &)> onMessage)
{
    m_onMessage = std::move(onMessage);
    if (m_ready)
        send({"SUBSCRIBE", channel}, &RedisAsyncLink::onMessage, nullptr);
}

void RedisAsyncLink::onConnect(const redisAsyncContext *context, int status)
{
    RedisAsyncLink *self = linkOf(context);
    if (self && status != REDIS_OK) {
        self->m_context = nullptr; // hiredis frees it
        self->retryLater(QString::fromUtf8(context->errstr));
    }
}

void RedisAsyncLink::onDisconnect(const redisAsyncContext *context, int status)
{
    Q_UNUSED(status);
    RedisAsyncLink *self = linkOf(context);
    if (!self)
        return;
    self->m_context = nullptr; // hiredis frees it after this call
    if (std::exchange(self->m_ready, false))
        Q_EMIT self->lost();
    self->retryLater(context->errstr ? QString::fromUtf8(context->errstr) : u"closed"_s);
}

void RedisAsyncLink::onSetup(redisAsyncContext *context, void *reply, void *data)
{
    RedisAsyncLink *self = linkOf(context);
    const auto *answer = static_cast<const redisReply *>(reply);
    if (!self || !answer)
        return;
    if (answer->type == REDIS_REPLY_ERROR) {
        const QString why = u"the broker refused: "_s + QString::fromUtf8(bytes(answer));
        self->drop();
        return self->retryLater(why);
    }
    if (!data)
        return;
    self->m_watchdog.stop();
    self->m_ready = true;
    self->m_backoffMs = 0;
    if (std::exchange(self->m_down, false)) {
        qCInfo(lcBroker).noquote() << self->m_role << "connection to the broker"
                                   << self->m_address.display() << "restored";
    }
    Q_EMIT self->ready();
}

void RedisAsyncLink::onCommand(redisAsyncContext *context, void *reply, void *data)
{
    Q_UNUSED(context);
    std::unique_ptr<Done> done(static_cast<Done *>(data));
    if (*done)
        (*done)(static_cast<const redisReply *>(reply));
}

void RedisAsyncLink::onMessage(redisAsyncContext *context, void *reply, void *data)
{
    Q_UNUSED(data);
    RedisAsyncLink *self = linkOf(context);
    const auto *answer = static_cast<const redisReply *>(reply);
    if (!self || !answer || answer->type != REDIS_REPLY_ARRAY || answer->elements < 3)
        return;
    const QByteArray kind = bytes(answer->element[0]);
    if (kind == "message" && self->m_onMessage)
        self->m_onMessage(bytes(answer->element[2]));
    else if (kind == "subscribe")
        Q_EMIT self->subscribed(bytes(answer->element[1]));
}

} // namespace Herald
