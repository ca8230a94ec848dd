#pragma once

#include "store/audience.h"
#include "ws/sessioninfo.h"
#include "ws/sessionobserver.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QReadWriteLock>
#include <QStringList>

#include <optional>

namespace Herald {

// The thread-safe index of live sessions. Worker threads write it when a
// session opens or closes; the push API reads it for counts and presence.
// The sessions themselves (sockets) stay owned by their worker.
class SessionDirectory : public Audience
{
public:
    // Set once, before any session opens (the workers read it without a lock).
    void setObserver(SessionObserver *observer) { m_observer = observer; }
    void add(const SessionInfo &info);
    void remove(const QString &sessionId);

    std::optional<SessionInfo> session(const QString &sessionId) const;
    QList<SessionInfo> sessionsOf(const QString &user) const;
    // Sessions in connection order, [offset, offset + limit).
    QList<SessionInfo> page(qsizetype offset, qsizetype limit) const;

    QStringList users() const override; // users with at least one session
    qsizetype sessionCount() const override;
    qsizetype userCount() const;

    using Reach = Audience::Reach;
    Reach reach(const QStringList &users) const override;

private:
    SessionObserver *m_observer = nullptr;
    mutable QReadWriteLock m_lock;
    QMap<QString, SessionInfo> m_sessions; // ids sort by connection time
    QHash<QString, QStringList> m_sessionIdsByUser;
};

} // namespace Herald
