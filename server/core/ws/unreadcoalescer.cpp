#include "ws/unreadcoalescer.h"

#include "serverstats.h"
#include "ws/session.h"

namespace Herald {

namespace {
constexpr int MinTickMs = 50; // with no coalescing, frames held while a session opens
}

UnreadCoalescer::UnreadCoalescer(int intervalMs, ServerStats &stats, Send send, QObject *parent)
    : QObject(parent), m_intervalMs(intervalMs), m_stats(stats), m_send(std::move(send))
{
    m_timer.setInterval(std::max(intervalMs, MinTickMs));
    connect(&m_timer, &QTimer::timeout, this, &UnreadCoalescer::flush);
    m_clock.start();
}

void UnreadCoalescer::setInterval(int intervalMs)
{
    m_intervalMs = intervalMs;
    m_timer.setInterval(std::max(intervalMs, MinTickMs));
}

void UnreadCoalescer::offer(Session *session, const QString &frame)
{
    switch (session->offerUnread(frame, m_clock.elapsed(), m_intervalMs)) {
    case Session::Unread::Send:
        return m_send(session, frame);
    case Session::Unread::Hold:
        m_due.insert(session);
        if (!m_timer.isActive())
            m_timer.start();
        return;
    case Session::Unread::Merged:
    case Session::Unread::Unchanged:
        m_stats.unreadFramesMerged.fetch_add(1, std::memory_order_relaxed);
        return;
    }
}

// Collects first, then sends: sending may close a session, which forgets it.
void UnreadCoalescer::flush()
{
    QList<std::pair<Session *, QString>> due;
    for (auto it = m_due.begin(); it != m_due.end();) {
        Session *session = *it;
        const QString frame = session->takeDueUnread(m_clock.elapsed(), m_intervalMs);
        it = session->holdsUnread() ? std::next(it) : m_due.erase(it);
        if (!frame.isEmpty())
            due.append({session, frame});
    }
    for (const auto &[session, frame] : std::as_const(due))
        m_send(session, frame);
    if (m_due.isEmpty())
        m_timer.stop();
}

} // namespace Herald
