#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Herald {

// One cluster node's figures, as the stats frame's "nodes" list gives them.
// A missing or non-numeric count or rate reads as 0; a missing memory or
// uptime reads as Unknown (a node never has 0 bytes of memory).
struct NodeStats
{
    static constexpr qint64 Unknown = -1;

    QString node; // "host:port", the name the node registers in the broker
    qint64 sessions = 0;
    qint64 users = 0;
    double pushesPerSecond = 0;
    double framesPerSecond = 0;
    double bytesPerSecond = 0;
    qint64 rssBytes = Unknown;
    qint64 uptimeSeconds = Unknown;

    // nullopt when \a json has no non-empty string "node".
    static std::optional<NodeStats> fromJson(const QJsonObject &json);
    // The "nodes" of a stats frame's extra fields (AdminStats::others), sorted
    // by node name, one entry per name (the last wins); entries fromJson
    // refuses are left out. Empty when the frame has no "nodes" (a single node).
    static QList<NodeStats> listFromStats(const QJsonObject &others);

    bool operator==(const NodeStats &other) const = default;
};

} // namespace Herald
