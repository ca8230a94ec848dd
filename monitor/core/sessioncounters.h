#pragma once

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace Herald {

// What the server counts per session: in every session object and in
// "session_counters" frames, {"frames_sent":N,"last_pong_at":"…"|null}.
// Servers older than these fields send neither: a field the server did not
// send is nullopt ("unknown"), which views show blank rather than as 0.
struct SessionCounters
{
    std::optional<qint64> framesSent; // frames the server has sent the session
    // The last heartbeat pong, UTC. An invalid QDateTime: sent as null, no pong yet.
    std::optional<QDateTime> lastPongAt;

    // Never fails: a missing field, one of the wrong type, a negative count or
    // a time that does not parse reads as unknown.
    static SessionCounters fromJson(const QJsonObject &json);
    // An ISO 8601 time with milliseconds, in UTC; invalid when \a text is none or
    // lies outside the years 1-9999 in UTC, which ISO 8601 cannot write back.
    static QDateTime parseTime(const QString &text);
    void writeTo(QJsonObject &json) const; // the known fields only

    // Counters only grow, but snapshots, events and counter frames can carry
    // them out of order: the larger count and the later pong win, and a field
    // known to either side stays known.
    SessionCounters newest(const SessionCounters &other) const;

    bool operator==(const SessionCounters &other) const = default;
};

} // namespace Herald
