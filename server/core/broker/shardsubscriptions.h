#pragma once

#include <QDeadlineTimer>
#include <QList>

#include <functional>
#include <vector>

namespace Herald {

// Which shard channels this node must hear, from how many of its sessions each shard
// holds, and where each channel's subscription stands: the bookkeeping of RedisSubscriber,
// without the connection. A shard is subscribed when its first session opens and
// unsubscribed once it has had none for a grace period, so that a user who reconnects at
// once does not make the channel flap. A session's `ready` runs once its shard's SUBSCRIBE
// is confirmed: from then on every message published on the channel reaches this node.
//
// One command at a time per channel: a SUBSCRIBE is never sent while the channel's
// UNSUBSCRIBE is unanswered (hiredis 0.14 drops the channel's callback on the UNSUBSCRIBE
// reply, so the later SUBSCRIBE's messages would be lost); it is sent on that reply.
// Not thread-safe: the subscriber's thread only.
class ShardSubscriptions
{
public:
    using Ready = std::function<void()>;

    ShardSubscriptions(int shards, int graceMs);

    // A session of \a shard opens. Returns true when a SUBSCRIBE to it must be sent now.
    // \a ready runs at once when the shard is subscribed, or when \a connected is false
    // (the broker is unreachable: nothing to wait for); otherwise on subscribed().
    bool join(int shard, Ready ready, bool connected);
    void leave(int shard);
    // The shards idle for the grace period, now marked as being unsubscribed.
    QList<int> takeIdle();
    // When the next idle shard's grace period ends (Forever: none is idle).
    QDeadlineTimer nextIdleDeadline() const;

    // Redis confirmed a SUBSCRIBE: the shard's waiting sessions' ready, for the caller to run.
    std::vector<Ready> subscribed(int shard);
    // Redis confirmed an UNSUBSCRIBE. Returns true when sessions joined meanwhile, so a
    // SUBSCRIBE must be sent again now.
    bool unsubscribed(int shard);
    // The connection is gone: nothing is subscribed; waiting sessions are let go (ready).
    void reset();
    // A new connection: the shards with sessions, now marked as being subscribed.
    QList<int> takeHeld();

    int subscribedCount() const { return m_subscribedCount; }
    bool anyPending() const; // a SUBSCRIBE unanswered

private:
    enum class State { Off, Subscribing, On, Unsubscribing };
    struct Shard
    {
        int sessions = 0;
        State state = State::Off;
        std::vector<Ready> waiting;
        QDeadlineTimer idleUntil{QDeadlineTimer::Forever};
    };
    void setState(Shard &shard, State state);

    std::vector<Shard> m_shards;
    int m_graceMs;
    int m_subscribedCount = 0;
};

} // namespace Herald
