#pragma once

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace Herald {

/*!
 * What the server counts per session, in every session object and in
 * "session_counters" frames: {"frames_sent":N,"last_pong_at":"…"|null}.
 * Servers older than these fields send neither: a field not sent is nullopt
 * ("unknown"), which views show blank rather than as 0.
 */
struct AdminSessionCounters
{
    std::optional<qint64> framesSent; //!< frames the server has sent the session
    //! The last heartbeat pong, UTC. An invalid QDateTime: sent as null, no pong yet.
    std::optional<QDateTime> lastPongAt;

    //! Reads the counter fields of a session object. Never fails: a missing
    //! field, one of the wrong type, a negative count or a time that does not
    //! parse reads as unknown.
    static AdminSessionCounters readFrom(const QJsonObject &json);
    //! Writes the known fields only.
    void writeTo(QJsonObject &json) const;

    //! Counters only grow, but snapshots, events and counter frames can carry
    //! them out of order: the larger count and the later pong win, and a field
    //! known to either side stays known.
    AdminSessionCounters newest(const AdminSessionCounters &other) const;

    bool operator==(const AdminSessionCounters &other) const = default;
};

} // namespace Herald
