#pragma once

#include <QByteArray>
#include <QDeadlineTimer>
#include <QHash>
#include <QList>

#include <deque>
#include <functional>
#include <vector>

namespace Herald {

// Which user channels this node must hear, from how many of its sessions each channel
// serves, and where each channel's subscription stands: the bookkeeping of RedisSubscriber,
// without the connection. A channel is subscribed when its first session opens and
// unsubscribed once it has had none for a grace period, so that a user who reconnects at
// once does not make the channel flap. A session's `ready` runs once its channel's
// SUBSCRIBE is confirmed: from then on every message published on it reaches this node.
//
// One command at a time per channel: a SUBSCRIBE is never sent while the channel's
// UNSUBSCRIBE is unanswered (hiredis 0.14 drops the channel's callback on the UNSUBSCRIBE
// reply, so the later SUBSCRIBE's messages would be lost); it is sent on that reply.
//
// Only channels with sessions, a grace period running or a command unanswered are kept.
// Every operation but reset() and takeHeld() costs time independent of how many channels
// there are: the idle channels wait in a queue in deadline order (the grace is constant).
// Not thread-safe: the subscriber's thread only.
class ChannelSubscriptions
{
public:
    using Ready = std::function<void()>;

    explicit ChannelSubscriptions(int graceMs);

    // A session of \a channel opens. Returns true when a SUBSCRIBE to it must be sent now.
    // \a ready runs at once when the channel is subscribed, or when \a connected is false
    // (the broker is unreachable: nothing to wait for); otherwise on subscribed().
    bool join(const QByteArray &channel, Ready ready, bool connected);
    void leave(const QByteArray &channel);
    // The channels idle for the grace period, now marked as being unsubscribed.
    QList<QByteArray> takeIdle();
    // When the next idle channel's grace period ends (Forever: none is idle).
    QDeadlineTimer nextIdleDeadline();

    // Redis confirmed a SUBSCRIBE: the channel's waiting sessions' ready, for the caller to
    // run.
    std::vector<Ready> subscribed(const QByteArray &channel);
    // Redis confirmed an UNSUBSCRIBE. Returns true when sessions joined meanwhile, so a
    // SUBSCRIBE must be sent again now.
    bool unsubscribed(const QByteArray &channel);
    // The connection is gone: nothing is subscribed; waiting sessions are let go (ready).
    void reset();
    // A new connection: the channels with sessions, now marked as being subscribed.
    QList<QByteArray> takeHeld();

    int subscribedCount() const { return m_subscribedCount; }
    bool anyPending() const { return m_pendingCount > 0; } // a SUBSCRIBE unanswered
    qsizetype trackedCount() const { return m_channels.size(); }

private:
    enum class State { Off, Subscribing, On, Unsubscribing };
    struct Channel
    {
        int sessions = 0;
        State state = State::Off;
        std::vector<Ready> waiting;
        quint64 idleTicket = 0; // the queue entry that stands for its grace period; 0: none
    };
    struct Idle
    {
        QDeadlineTimer until;
        QByteArray channel;
        quint64 ticket;
    };
    void setState(Channel &channel, State state);
    void startGrace(const QByteArray &name, Channel &channel);
    void forgetIfUnused(const QByteArray &name);
    bool isCurrent(const Idle &entry) const;

    QHash<QByteArray, Channel> m_channels;
    std::deque<Idle> m_idle; // deadline order
    int m_graceMs;
    quint64 m_nextTicket = 1;
    int m_subscribedCount = 0;
    int m_pendingCount = 0;
};

} // namespace Herald
