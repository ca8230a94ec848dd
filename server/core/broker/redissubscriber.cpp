#include "broker/redissubscriber.h"

#include "broker/brokermessage.h"
#include "broker/rediseventadapter.h"
#include "eventloopinstaller.h"
#include "logging.h"
#include "store/storesink.h"

#include <QThread>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr int FirstBackoffMs = 100;
constexpr int MaxBackoffMs = 5000;
constexpr int SubscribeTimeoutMs = 5000;

RedisSubscriber *subscriberOf(const redisAsyncContext *context)
{
    return static_cast<RedisSubscriber *>(context->data);
}

void sendArgv(redisAsyncContext *context, redisCallbackFn *callback, void *data,
              const QList<QByteArray> &args)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    redisAsyncCommandArgv(context, callback, data, int(argv.size()), argv.data(), lengths.data());
}

} // namespace

RedisSubscriber::RedisSubscriber(BrokerAddress address, ShardMap shards, StoreSink &sink,
                                 ServerConfig::EventLoop eventLoop)
    : m_address(std::move(address)),
      m_shards(std::move(shards)),
      m_sink(sink),
      m_eventLoop(eventLoop)
{ }

RedisSubscriber::~RedisSubscriber()
{
    stop();
}

void RedisSubscriber::start()
{
    m_thread = new QThread; // deleted in stop(); not a child: this object moves into it
    m_thread->setObjectName(u"herald-broker"_s);
    EventLoopInstaller::install(*m_thread, m_eventLoop);
    moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(this, [this] {
        m_retry = new QTimer(this);
        m_retry->setSingleShot(true);
        connect(m_retry, &QTimer::timeout, this, &RedisSubscriber::connectNow);
        m_watchdog = new QTimer(this);
        m_watchdog->setSingleShot(true);
        connect(m_watchdog, &QTimer::timeout, this, [this] {
            disconnectNow();
            retryLater(u"no subscription within %1 ms"_s.arg(SubscribeTimeoutMs));
        });
        connectNow();
    });
}

void RedisSubscriber::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            disconnectNow();
            delete m_retry;
            delete m_watchdog;
            m_retry = m_watchdog = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

void RedisSubscriber::connectNow()
{
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
    redisAsyncSetConnectCallback(m_context, &RedisSubscriber::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisSubscriber::onDisconnect);
    if (!m_address.password.isEmpty())
        sendArgv(m_context, &RedisSubscriber::onReply, this, {"AUTH", m_address.password});
    subscribe();
    m_watchdog->start(SubscribeTimeoutMs);
}

void RedisSubscriber::subscribe()
{
    QList<QByteArray> args{"SUBSCRIBE"};
    for (int shard = 0; shard < m_shards.shards(); ++shard)
        args.append(m_shards.channel(shard));
    args.append(m_shards.broadcastChannel());
    sendArgv(m_context, &RedisSubscriber::onReply, this, args);
}

void RedisSubscriber::disconnectNow()
{
    m_subscribed = false;
    if (m_watchdog)
        m_watchdog->stop();
    if (!m_context)
        return;
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    context->data = nullptr; // its callbacks must not come back here
    redisAsyncFree(context);
}

void RedisSubscriber::retryLater(const QString &why)
{
    m_subscribed = false;
    if (m_watchdog)
        m_watchdog->stop();
    if (!m_retry || m_retry->isActive())
        return;
    if (!m_down) {
        qCWarning(lcBroker).noquote() << "broker subscription to" << m_address.display()
                                      << "lost:" << why << "- retrying with backoff";
    }
    m_down = true;
    m_backoffMs = m_backoffMs == 0 ? FirstBackoffMs : std::min(m_backoffMs * 2, MaxBackoffMs);
    m_retry->start(m_backoffMs);
}

void RedisSubscriber::onConnect(const redisAsyncContext *context, int status)
{
    RedisSubscriber *self = subscriberOf(context);
    if (self && status != REDIS_OK) {
        self->m_context = nullptr; // hiredis frees it
        self->retryLater(QString::fromUtf8(context->errstr));
    }
}

void RedisSubscriber::onDisconnect(const redisAsyncContext *context, int status)
{
    Q_UNUSED(status);
    RedisSubscriber *self = subscriberOf(context);
    if (!self)
        return;
    self->m_context = nullptr; // hiredis frees it after this call
    self->retryLater(context->errstr ? QString::fromUtf8(context->errstr) : u"closed"_s);
}

void RedisSubscriber::onReply(redisAsyncContext *context, void *reply, void *data)
{
    Q_UNUSED(data);
    RedisSubscriber *self = subscriberOf(context);
    if (self && reply)
        self->handle(static_cast<const redisReply *>(reply));
}

void RedisSubscriber::handle(const redisReply *reply)
{
    if (reply->type == REDIS_REPLY_ERROR) {
        const QString why = QString::fromUtf8(reply->str, qsizetype(reply->len));
        disconnectNow();
        return retryLater(u"the broker refused: "_s + why);
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3)
        return;
    const QByteArray kind(reply->element[0]->str, qsizetype(reply->element[0]->len));
    if (kind == "message") {
        const redisReply *payload = reply->element[2];
        return deliver(QByteArray(payload->str, qsizetype(payload->len)));
    }
    if (kind == "subscribe" && reply->element[2]->integer == m_shards.shards() + 1) {
        m_watchdog->stop();
        m_subscribed = true;
        m_backoffMs = 0;
        if (m_down)
            qCInfo(lcBroker).noquote()
                << "broker subscription to" << m_address.display() << "is back";
        else
            qCInfo(lcBroker).noquote()
                << "subscribed to" << m_shards.shards()
                << "shard channels and the broadcast channel of" << m_address.display();
        m_down = false;
    }
}

void RedisSubscriber::deliver(const QByteArray &payload)
{
    const std::optional<BrokerMessage> message = BrokerMessage::parse(payload);
    if (!message) {
        qCWarning(lcBroker) << "unreadable broker message ignored:" << payload.left(200);
        return;
    }
    switch (message->kind) {
    case BrokerMessage::Kind::Committed:
        return m_sink.committed(message->targets, message->frame);
    case BrokerMessage::Kind::ReadMoved:
        return m_sink.readMoved(message->user, message->state);
    case BrokerMessage::Kind::Live:
        return m_sink.live(message->users, message->frame);
    }
}

} // namespace Herald
