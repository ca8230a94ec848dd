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
    QString remoteAddress;
    quint16 remotePort = 0;
    QString userAgent;
    std::optional<ResumePoint> resume; // ?since=&epoch= of a reconnecting client
    QByteArray received; // what the acceptor read: the request head and anything after it
    qsizetype headLength = 0;
};

} // namespace Herald
