#include "ws/sessiondirectory.h"

namespace Herald {

void SessionDirectory::add(const SessionInfo &info)
{
    {
        QWriteLocker locker(&m_lock);
        m_sessions.insert(info.id, info);
        m_sessionIdsByUser[info.user].append(info.id);
    }
    if (m_observer)
        m_observer->sessionAdded(info);
}

void SessionDirectory::remove(const QString &sessionId)
{
    SessionInfo removed;
    {
        QWriteLocker locker(&m_lock);
        const auto it = m_sessions.constFind(sessionId);
        if (it == m_sessions.cend())
            return;
        const auto ids = m_sessionIdsByUser.find(it->user);
        ids->removeOne(sessionId);
        if (ids->isEmpty())
            m_sessionIdsByUser.erase(ids);
        removed = *it;
        m_sessions.erase(it);
    }
    if (m_observer)
        m_observer->sessionRemoved(removed);
}

std::optional<SessionInfo> SessionDirectory::session(const QString &sessionId) const
{
    QReadLocker locker(&m_lock);
    const auto it = m_sessions.constFind(sessionId);
    if (it == m_sessions.cend())
        return std::nullopt;
    return *it;
}

QList<SessionInfo> SessionDirectory::sessionsOf(const QString &user) const
{
    QReadLocker locker(&m_lock);
    QList<SessionInfo> result;
    for (const QString &id : m_sessionIdsByUser.value(user))
        result.append(m_sessions.value(id));
    return result;
}

QList<SessionInfo> SessionDirectory::page(qsizetype offset, qsizetype limit) const
{
    QReadLocker locker(&m_lock);
    QList<SessionInfo> result;
    if (offset >= m_sessions.size())
        return result;
    auto it = std::next(m_sessions.cbegin(), offset);
    for (; it != m_sessions.cend() && result.size() < limit; ++it)
        result.append(*it);
    return result;
}

QStringList SessionDirectory::users() const
{
    QReadLocker locker(&m_lock);
    return m_sessionIdsByUser.keys();
}

qsizetype SessionDirectory::sessionCount() const
{
    QReadLocker locker(&m_lock);
    return m_sessions.size();
}

qsizetype SessionDirectory::userCount() const
{
    QReadLocker locker(&m_lock);
    return m_sessionIdsByUser.size();
}

SessionDirectory::Reach SessionDirectory::reach(const QStringList &users) const
{
    QReadLocker locker(&m_lock);
    Reach reach;
    for (const QString &user : users) {
        const auto it = m_sessionIdsByUser.constFind(user);
        const qsizetype sessions = it == m_sessionIdsByUser.cend() ? 0 : it->size();
        reach.sessions += sessions;
        reach.usersOnline += sessions > 0 ? 1 : 0;
    }
    return reach;
}

} // namespace Herald
