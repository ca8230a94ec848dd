#pragma once

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace Herald {

/*!
 * One "stats" frame, sent once a second. Rates are over the last second; the
 * other counters are totals since the server started. The server also sends
 * every other total of /api/v1/stats: those stay in \c others, as sent.
 */
struct AdminStats
{
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
    QDateTime timestamp; //!< "ts", the server's clock; not sent when invalid
    QJsonObject others; //!< the fields above do not name, but "type"

    //! Returns nullopt and sets *\a error when \a json has neither a numeric
    //! "sessions" nor "pushes_per_s"; any other missing figure reads as 0.
    //! "type" is not checked, so the body of /api/v1/stats reads too.
    static std::optional<AdminStats> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminStats &other) const = default;
};

} // namespace Herald
