#pragma once

#include "admin/adminstats.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace Herald {

// The latest stats frame each node announced (AdminAnnouncer), for the stats frame of an
// admin channel in a cluster: the cluster's totals and one entry per node.
class ClusterStatsBoard
{
public:
    explicit ClusterStatsBoard(int maxAgeMs) : m_maxAgeMs(maxAgeMs) { }

    void update(const QJsonObject &stats); // a node's frame; names the node in "node"
    void clear() { m_nodes.clear(); }

    // \a local with "sessions" and "users" summed over the nodes heard from within maxAgeMs
    // (a user with sessions on two nodes counts on each), "nodes" their frames by name and
    // "node" \a self. Unchanged while no node has been heard from.
    AdminStats compose(AdminStats local, const QString &self);

private:
    struct Entry
    {
        QJsonObject stats;
        QElapsedTimer age;
    };
    int m_maxAgeMs;
    QMap<QString, Entry> m_nodes; // by name
};

} // namespace Herald
