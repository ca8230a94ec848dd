#include "broker/redissubscriber.h"

#include "broker/brokermessage.h"
#include "broker/rediseventadapter.h"
#include "eventloopinstaller.h"
#include "logging.h"
#include "serverstats.h"
#include "store/storesink.h"

#include <QDeadlineTimer>
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

RedisSubscriber::RedisSubscriber(BrokerAddress address, ChannelMap channels, StoreSink &sink,
                                 ServerStats &stats, ServerConfig::EventLoop eventLoop)
    : m_address(std::move(address)),
      m_channels(std::move(channels)),
      m_sink(sink),
      m_stats(stats),
      m_eventLoop(eventLoop),
      m_subscriptions(IdleChannelGraceMs)
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
        m_idleSweep = new QTimer(this);
        m_idleSweep->setSingleShot(true);
        connect(m_idleSweep, &QTimer::timeout, this, &RedisSubscriber::dropIdleChannels);
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
            delete m_idleSweep;
            m_retry = m_watchdog = m_idleSweep = nullptr;
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
    subscribe(m_subscriptions.takeHeld(), true);
}

// Called from any thread: the count is kept in the subscriber's.
void RedisSubscriber::join(const QString &user, std::function<void()> ready)
{
    QMetaObject::invokeMethod(this, [this, channel = m_channels.userChannel(user), ready] {
        if (m_subscriptions.join(channel, ready, m_context != nullptr))
            subscribeLater(channel);
    });
}

void RedisSubscriber::leave(const QString &user)
{
    QMetaObject::invokeMethod(this, [this, channel = m_channels.userChannel(user)] {
        m_subscriptions.leave(channel);
        armIdleSweep();
    });
}

void RedisSubscriber::subscribe(const QList<QByteArray> &channels, bool broadcast)
{
    QList<QByteArray> args{"SUBSCRIBE"};
    args.append(channels);
    // Last: once it is confirmed, so is every channel before it.
    if (broadcast)
        args.append(m_channels.broadcastChannel());
    if (args.size() == 1)
        return;
    sendArgv(m_context, &RedisSubscriber::onReply, this, args);
    if (!m_watchdog->isActive())
        m_watchdog->start(SubscribeTimeoutMs);
}

// The sessions opening in one turn of the event loop (a connect storm) share one SUBSCRIBE:
// the batch is sent after the join calls already queued.
void RedisSubscriber::subscribeLater(const QByteArray &channel)
{
    m_toSubscribe.append(channel);
    if (m_toSubscribe.size() == 1)
        QMetaObject::invokeMethod(this, &RedisSubscriber::subscribeBatch, Qt::QueuedConnection);
}

void RedisSubscriber::subscribeBatch()
{
    const QList<QByteArray> channels = std::exchange(m_toSubscribe, {});
    if (m_context) // else reset() let their sessions go, and takeHeld() has them
        subscribe(channels, false);
}

void RedisSubscriber::unsubscribe(const QList<QByteArray> &channels)
{
    QList<QByteArray> args{"UNSUBSCRIBE"};
    args.append(channels);
    if (args.size() > 1)
        sendArgv(m_context, &RedisSubscriber::onReply, this, args);
}

void RedisSubscriber::dropIdleChannels()
{
    const QList<QByteArray> idle = m_subscriptions.takeIdle(); // none while disconnected
    if (m_context)
        unsubscribe(idle);
    armIdleSweep();
}

void RedisSubscriber::armIdleSweep()
{
    if (!m_idleSweep)
        return; // stopped
    const QDeadlineTimer next = m_subscriptions.nextIdleDeadline();
    if (next.isForever())
        return m_idleSweep->stop();
    m_idleSweep->start(int(std::max<qint64>(next.remainingTime(), 0)) + 1);
}

// The watchdog bounds the wait for each SUBSCRIBE reply while any is outstanding.
void RedisSubscriber::watchPending()
{
    if (!m_watchdog)
        return;
    if (m_subscriptions.anyPending() || !m_subscribed)
        m_watchdog->start(SubscribeTimeoutMs);
    else
        m_watchdog->stop();
}

void RedisSubscriber::publishChannelCount()
{
    m_stats.brokerChannels.store(quint64(m_subscriptions.subscribedCount()),
                                 std::memory_order_relaxed);
}

void RedisSubscriber::disconnectNow()
{
    m_subscribed = false;
    if (m_watchdog)
        m_watchdog->stop();
    m_subscriptions.reset();
    publishChannelCount();
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
    m_subscriptions.reset(); // sessions opening now need not wait: nothing arrives anyway
    publishChannelCount();
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
    const QByteArray channel(reply->element[1]->str, qsizetype(reply->element[1]->len));
    if (kind == "message") {
        m_stats.brokerMessages.fetch_add(1, std::memory_order_relaxed);
        const redisReply *payload = reply->element[2];
        return deliver(QByteArray(payload->str, qsizetype(payload->len)));
    }
    if (kind == "subscribe")
        return subscribed(channel);
    if (kind == "unsubscribe")
        return unsubscribed(channel);
}

void RedisSubscriber::subscribed(const QByteArray &channel)
{
    if (m_channels.isUserChannel(channel)) {
        const std::vector<ChannelSubscriptions::Ready> waiting
            = m_subscriptions.subscribed(channel);
        publishChannelCount();
        for (const ChannelSubscriptions::Ready &ready : waiting)
            ready(); // these sessions read their positions now
        armIdleSweep(); // its sessions may have left meanwhile
    } else if (channel == m_channels.broadcastChannel()) {
        m_subscribed = true;
        m_backoffMs = 0;
        if (m_down) {
            qCInfo(lcBroker).noquote()
                << "broker subscription to" << m_address.display() << "is back";
            Q_EMIT restored();
        } else
            qCInfo(lcBroker).noquote()
                << "subscribed to the broadcast channel of" << m_address.display()
                << "(and to the channels of this node's users)";
        m_down = false;
    }
    watchPending();
}

void RedisSubscriber::unsubscribed(const QByteArray &channel)
{
    if (m_subscriptions.unsubscribed(channel))
        subscribeLater(channel); // a session joined while it was going
    publishChannelCount();
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
