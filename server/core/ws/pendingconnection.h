#pragma once

#include "resumepoint.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Herald {

// An accepted TCP connection whose upgrade request passed authentication,
// handed from the acceptor to the worker that owns its user.
struct PendingConnection
{
    qintptr descriptor = -1;
    QString user;
    QString remoteAddress; // the client's, as a trusted proxy names it; else the TCP peer's
    quint16 remotePort = 0; // 0: not known (a proxy named the address alone)
    QString peerAddress; // the TCP peer's, by which the worker knows the upgraded socket
    quint16 peerPort = 0;
    QString userAgent;
    std::optional<ResumePoint> resume; // ?since=&epoch= of a reconnecting client
    qint64 tokenExpiresAtMs = 0; // the token's exp, ms since the epoch; 0: none
    QString tokenKey; // the token's sid or jti, for max_sessions_per_token; empty: none
    QByteArray received; // what the acceptor read: the request head and anything after it
    qsizetype headLength = 0;
};

} // namespace Herald
