#pragma once

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace Herald {

// One "stats" frame (sent once a second). Rates are over the last second;
// the other counters are totals since the server started.
struct StatsSample
{
    QDateTime receivedAt; // local clock: the time axis of the charts
    qint64 sessions = 0;
    qint64 users = 0;
    double pushesPerSecond = 0;
    double framesPerSecond = 0;
    double bytesPerSecond = 0;
    qint64 notifications = 0;
    qint64 broadcasts = 0;
    qint64 framesSent = 0;
    qint64 heartbeatReaps = 0;
    qint64 rssBytes = 0;
    qint64 uptimeSeconds = 0;

    // nullopt when the frame has neither "sessions" nor "pushes_per_s"; any
    // other missing counter reads as 0.
    static std::optional<StatsSample> fromJson(const QJsonObject &json,
                                               const QDateTime &receivedAt);
};

} // namespace Herald
