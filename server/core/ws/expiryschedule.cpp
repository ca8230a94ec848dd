#include "ws/expiryschedule.h"

namespace Herald {

void ExpirySchedule::add(qint64 atMs, Session *session)
{
    m_entries.emplace(atMs, session);
}

void ExpirySchedule::remove(qint64 atMs, Session *session)
{
    m_entries.erase({atMs, session});
}

QList<Session *> ExpirySchedule::takeDue(qint64 nowMs)
{
    QList<Session *> due;
    auto it = m_entries.begin();
    for (; it != m_entries.end() && it->first <= nowMs; ++it)
        due.append(it->second);
    m_entries.erase(m_entries.begin(), it);
    return due;
}

std::optional<qint64> ExpirySchedule::next() const
{
    if (m_entries.empty())
        return std::nullopt;
    return m_entries.begin()->first;
}

} // namespace Herald
