#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace Herald {

// What the push API and presence queries know of one live WebSocket session.
// Immutable once the session is open.
struct SessionInfo
{
    QString id;
    QString user;
    QDateTime connectedAt;
    QString remoteAddress;
    QString userAgent;

    QJsonObject toJson() const;
    // Unique and ordered by creation time, so paging through sessions is stable.
    static QString newId();
};

} // namespace Herald
