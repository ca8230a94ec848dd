#pragma once

#include "broker/channelmap.h"
#include "broker/channelsubscriptions.h"
#include "config/brokeraddress.h"
#include "config/serverconfig.h"
#include "store/sessionrouting.h"

#include <QObject>
#include <QTimer>

#include <atomic>

class QThread;
struct redisAsyncContext;
struct redisReply;

namespace Herald {

class ServerStats;
class StoreSink;

// Hands what any node of the cluster committed or pushed live to this node's sessions:
// subscribes to the channels RedisStore publishes on (ChannelMap) and calls the StoreSink
// for each message,
// in the order Redis delivers them (per user, the seq order). With a broker this is the
// only caller of the sink: the store thread's own commits are not delivered locally, so
// that nothing arrives twice or out of order across nodes.
//
// Routing (SessionRouting): it subscribes only to the channels of the users with sessions
// on this node, plus the broadcast channel always; a user's channel goes once its last
// session has been gone for IdleChannelGraceMs (ChannelSubscriptions). The SUBSCRIBEs of
// the sessions opening in one turn of the event loop go in one command. On a new
// connection it subscribes again to every channel with sessions.
//
// Runs hiredis async in a thread of its own (never a worker thread): join() and leave()
// are queued to it. A lost connection is retried with a backoff doubling from 100 ms to
// 5 s, logged once per change of state; messages published while it is down are not seen
// by this node (restored() lets it find the sessions that missed one), and sessions
// opening meanwhile do not wait for a subscription.
class RedisSubscriber : public QObject, public SessionRouting
{
    Q_OBJECT

public:
    static constexpr int IdleChannelGraceMs = 1000;

    RedisSubscriber(BrokerAddress address, ChannelMap channels, StoreSink &sink, ServerStats &stats,
                    ServerConfig::EventLoop eventLoop);
    ~RedisSubscriber() override;

    void start(); // returns at once; connects in its thread
    void stop(); // blocking: unsubscribes and joins the thread
    // Subscribed to the broadcast channel right now (for /healthz).
    bool isSubscribed() const { return m_subscribed.load(std::memory_order_relaxed); }

    void join(const QString &user, std::function<void()> ready) override;
    void leave(const QString &user) override;

Q_SIGNALS:
    // Subscribed again after a loss, to every channel with sessions: what was published
    // meanwhile never reached this node. Emitted in the subscriber's thread.
    void restored();

private:
    void connectNow();
    void disconnectNow();
    void retryLater(const QString &why);
    void subscribe(const QList<QByteArray> &channels, bool broadcast);
    void subscribeLater(const QByteArray &channel);
    void subscribeBatch();
    void unsubscribe(const QList<QByteArray> &channels);
    void subscribed(const QByteArray &channel);
    void unsubscribed(const QByteArray &channel);
    void dropIdleChannels();
    void armIdleSweep();
    void watchPending();
    void publishChannelCount();
    void handle(const redisReply *reply);
    void deliver(const QByteArray &payload);
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *data);

    BrokerAddress m_address;
    ChannelMap m_channels;
    StoreSink &m_sink;
    ServerStats &m_stats;
    ServerConfig::EventLoop m_eventLoop;
    QThread *m_thread = nullptr;
    redisAsyncContext *m_context = nullptr;
    QTimer *m_retry = nullptr; // in the subscriber's thread
    QTimer *m_watchdog = nullptr; // a connection whose SUBSCRIBE is not answered is dropped
    QTimer *m_idleSweep = nullptr; // unsubscribes the channels idle for the grace period
    ChannelSubscriptions m_subscriptions; // in the subscriber's thread
    QList<QByteArray> m_toSubscribe; // joined in this turn of the event loop
    int m_backoffMs = 0;
    bool m_down = false;
    std::atomic<bool> m_subscribed = false;
};

} // namespace Herald
