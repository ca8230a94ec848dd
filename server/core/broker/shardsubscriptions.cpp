#include "broker/shardsubscriptions.h"

#include <utility>

namespace Herald {

ShardSubscriptions::ShardSubscriptions(int shards, int graceMs)
    : m_shards(size_t(shards)), m_graceMs(graceMs)
{ }

bool ShardSubscriptions::join(int shard, Ready ready, bool connected)
{
    Shard &s = m_shards[size_t(shard)];
    ++s.sessions;
    s.idleUntil = QDeadlineTimer(QDeadlineTimer::Forever);
    if (!connected || s.state == State::On) {
        ready();
        return false;
    }
    s.waiting.push_back(std::move(ready));
    if (s.state != State::Off)
        return false; // its SUBSCRIBE is on the way, or will be sent on its UNSUBSCRIBE reply
    setState(s, State::Subscribing);
    return true;
}

void ShardSubscriptions::leave(int shard)
{
    Shard &s = m_shards[size_t(shard)];
    if (s.sessions > 0 && --s.sessions == 0)
        s.idleUntil = QDeadlineTimer(m_graceMs);
}

QList<int> ShardSubscriptions::takeIdle()
{
    QList<int> idle;
    for (size_t i = 0; i < m_shards.size(); ++i) {
        Shard &s = m_shards[i];
        if (s.sessions > 0 || !s.idleUntil.hasExpired())
            continue;
        s.idleUntil = QDeadlineTimer(QDeadlineTimer::Forever);
        // Subscribing: its reply comes first and finds it idle, then it goes at the next turn.
        if (s.state == State::On) {
            setState(s, State::Unsubscribing);
            idle.append(int(i));
        } else if (s.state == State::Subscribing) {
            s.idleUntil = QDeadlineTimer(m_graceMs);
        }
    }
    return idle;
}

QDeadlineTimer ShardSubscriptions::nextIdleDeadline() const
{
    QDeadlineTimer next(QDeadlineTimer::Forever);
    for (const Shard &s : m_shards) {
        if (s.sessions == 0 && s.idleUntil < next)
            next = s.idleUntil;
    }
    return next;
}

std::vector<ShardSubscriptions::Ready> ShardSubscriptions::subscribed(int shard)
{
    Shard &s = m_shards[size_t(shard)];
    if (s.state != State::Subscribing)
        return {};
    setState(s, State::On);
    return std::exchange(s.waiting, {});
}

bool ShardSubscriptions::unsubscribed(int shard)
{
    Shard &s = m_shards[size_t(shard)];
    if (s.state != State::Unsubscribing)
        return false;
    setState(s, s.sessions > 0 ? State::Subscribing : State::Off);
    return s.sessions > 0;
}

void ShardSubscriptions::reset()
{
    std::vector<Ready> waiting;
    for (Shard &s : m_shards) {
        setState(s, State::Off);
        for (Ready &ready : s.waiting)
            waiting.push_back(std::move(ready));
        s.waiting.clear();
        // An idle shard stays off; one with sessions is subscribed again by takeHeld().
        s.idleUntil = QDeadlineTimer(QDeadlineTimer::Forever);
    }
    for (const Ready &ready : waiting)
        ready();
}

QList<int> ShardSubscriptions::takeHeld()
{
    QList<int> held;
    for (size_t i = 0; i < m_shards.size(); ++i) {
        Shard &s = m_shards[i];
        if (s.sessions > 0 && s.state == State::Off) {
            setState(s, State::Subscribing);
            held.append(int(i));
        }
    }
    return held;
}

bool ShardSubscriptions::anyPending() const
{
    for (const Shard &s : m_shards) {
        if (s.state == State::Subscribing)
            return true;
    }
    return false;
}

void ShardSubscriptions::setState(Shard &shard, State state)
{
    m_subscribedCount += int(state == State::On) - int(shard.state == State::On);
    shard.state = state;
}

} // namespace Herald
