#pragma once

#include "admin/adminsessionrecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <atomic>
#include <memory>

namespace Herald {

// Live figures of one session: written by its worker, read by any thread.
struct SessionLiveCounters
{
    std::atomic<quint64> framesSent{0};
    std::atomic<qint64> lastPongMs{0}; // ms since the epoch; 0: no pong yet
};

// What the push API and presence queries know of one live WebSocket session.
// Immutable once the session is open, but for the shared counters.
struct SessionInfo
{
    QString id;
    QString user;
    QDateTime connectedAt;
    QString remoteAddress;
    QString userAgent;
    std::shared_ptr<SessionLiveCounters> counters; // null only in tests

    // As the admin channel and the presence routes describe it: the counters
    // always known (last_pong_at null before a pong).
    AdminSessionRecord record() const;
    AdminSessionCounters liveCounters() const;
    QJsonObject toJson() const { return record().toJson(); }
    // Unique and ordered by creation time, so paging through sessions is stable.
    static QString newId();
};

} // namespace Herald
