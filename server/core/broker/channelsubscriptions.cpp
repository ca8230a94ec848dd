#include "broker/channelsubscriptions.h"

#include <utility>

namespace Herald {

ChannelSubscriptions::ChannelSubscriptions(int graceMs) : m_graceMs(graceMs)
{ }

bool ChannelSubscriptions::join(const QByteArray &channel, Ready ready, bool connected)
{
    Channel &c = m_channels[channel];
    ++c.sessions;
    c.idleTicket = 0;
    if (!connected || c.state == State::On) {
        ready();
        return false;
    }
    c.waiting.push_back(std::move(ready));
    if (c.state != State::Off)
        return false; // its SUBSCRIBE is on the way, or will be sent on its UNSUBSCRIBE reply
    setState(c, State::Subscribing);
    return true;
}

void ChannelSubscriptions::leave(const QByteArray &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || it->sessions == 0)
        return;
    if (--it->sessions > 0)
        return;
    if (it->state == State::Off)
        return forgetIfUnused(channel); // never subscribed (the broker was down)
    startGrace(channel, *it);
}

QList<QByteArray> ChannelSubscriptions::takeIdle()
{
    QList<QByteArray> idle;
    QList<QByteArray> stillSubscribing;
    while (!m_idle.empty() && m_idle.front().until.hasExpired()) {
        const Idle entry = std::move(m_idle.front());
        m_idle.pop_front();
        if (!isCurrent(entry))
            continue; // joined again, or gone, since
        const auto it = m_channels.find(entry.channel);
        it->idleTicket = 0;
        // Subscribing: its reply comes first and finds it idle, then it goes at the next turn.
        if (it->state == State::On) {
            setState(*it, State::Unsubscribing);
            idle.append(entry.channel);
        } else if (it->state == State::Subscribing) {
            stillSubscribing.append(entry.channel);
        }
    }
    for (const QByteArray &channel : stillSubscribing)
        startGrace(channel, m_channels[channel]); // after the loop: a grace of 0 is over at once
    return idle;
}

QDeadlineTimer ChannelSubscriptions::nextIdleDeadline()
{
    while (!m_idle.empty() && !isCurrent(m_idle.front()))
        m_idle.pop_front(); // joined again, or gone, since
    return m_idle.empty() ? QDeadlineTimer(QDeadlineTimer::Forever) : m_idle.front().until;
}

std::vector<ChannelSubscriptions::Ready> ChannelSubscriptions::subscribed(const QByteArray &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || it->state != State::Subscribing)
        return {};
    setState(*it, State::On);
    return std::exchange(it->waiting, {});
}

bool ChannelSubscriptions::unsubscribed(const QByteArray &channel)
{
    const auto it = m_channels.find(channel);
    if (it == m_channels.end() || it->state != State::Unsubscribing)
        return false;
    const bool again = it->sessions > 0;
    setState(*it, again ? State::Subscribing : State::Off);
    if (!again) {
        it->waiting.clear(); // sessions that joined and left while it was going
        forgetIfUnused(channel);
    }
    return again;
}

void ChannelSubscriptions::reset()
{
    std::vector<Ready> waiting;
    for (auto it = m_channels.begin(); it != m_channels.end();) {
        setState(*it, State::Off);
        for (Ready &ready : it->waiting)
            waiting.push_back(std::move(ready));
        it->waiting.clear();
        it->idleTicket = 0;
        // An idle channel is forgotten; one with sessions is subscribed again by takeHeld().
        it = it->sessions > 0 ? std::next(it) : m_channels.erase(it);
    }
    m_idle.clear();
    for (const Ready &ready : waiting)
        ready();
}

QList<QByteArray> ChannelSubscriptions::takeHeld()
{
    QList<QByteArray> held;
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
        if (it->sessions > 0 && it->state == State::Off) {
            setState(*it, State::Subscribing);
            held.append(it.key());
        }
    }
    return held;
}

void ChannelSubscriptions::setState(Channel &channel, State state)
{
    m_subscribedCount += int(state == State::On) - int(channel.state == State::On);
    m_pendingCount += int(state == State::Subscribing) - int(channel.state == State::Subscribing);
    channel.state = state;
}

void ChannelSubscriptions::startGrace(const QByteArray &name, Channel &channel)
{
    channel.idleTicket = m_nextTicket++;
    m_idle.push_back({QDeadlineTimer(m_graceMs), name, channel.idleTicket});
}

bool ChannelSubscriptions::isCurrent(const Idle &entry) const
{
    const auto it = m_channels.constFind(entry.channel);
    return it != m_channels.cend() && it->idleTicket == entry.ticket;
}

void ChannelSubscriptions::forgetIfUnused(const QByteArray &name)
{
    const auto it = m_channels.find(name);
    if (it != m_channels.end() && it->sessions == 0 && it->state == State::Off
        && it->waiting.empty())
        m_channels.erase(it);
}

} // namespace Herald
