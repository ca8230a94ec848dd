#pragma once

#include "broker/shardmap.h"
#include "config/brokeraddress.h"
#include "config/serverconfig.h"

#include <QObject>
#include <QTimer>

#include <atomic>

class QThread;
struct redisAsyncContext;
struct redisReply;

namespace Herald {

class StoreSink;

// Hands what any node of the cluster committed or pushed live to this node's sessions:
// subscribes to the shard channels RedisStore publishes on (and its broadcast channel)
// and calls the StoreSink for each message,
// in the order Redis delivers them (per user, the seq order). With a broker this is the
// only caller of the sink: the store thread's own commits are not delivered locally, so
// that nothing arrives twice or out of order across nodes.
//
// Runs hiredis async in a thread of its own (never a worker thread). Phase 1 subscribes to
// every shard; subscribing only to the shards of users with sessions here is the next step.
// A lost connection is retried with a backoff doubling from 100 ms to 5 s, logged once per
// change of state; messages published while it is down are not seen by this node.
class RedisSubscriber : public QObject
{
    Q_OBJECT

public:
    RedisSubscriber(BrokerAddress address, ShardMap shards, StoreSink &sink,
                    ServerConfig::EventLoop eventLoop);
    ~RedisSubscriber() override;

    void start(); // returns at once; connects in its thread
    void stop(); // blocking: unsubscribes and joins the thread
    // Subscribed to every shard right now (for /healthz).
    bool isSubscribed() const { return m_subscribed.load(std::memory_order_relaxed); }

private:
    void connectNow();
    void disconnectNow();
    void retryLater(const QString &why);
    void subscribe();
    void handle(const redisReply *reply);
    void deliver(const QByteArray &payload);
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *data);

    BrokerAddress m_address;
    ShardMap m_shards;
    StoreSink &m_sink;
    ServerConfig::EventLoop m_eventLoop;
    QThread *m_thread = nullptr;
    redisAsyncContext *m_context = nullptr;
    QTimer *m_retry = nullptr; // in the subscriber's thread
    QTimer *m_watchdog = nullptr; // a connection not subscribed in time is dropped
    int m_backoffMs = 0;
    bool m_down = false;
    std::atomic<bool> m_subscribed = false;
};

} // namespace Herald
