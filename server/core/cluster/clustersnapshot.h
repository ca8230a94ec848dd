#pragma once

#include "admin/adminsessionrecord.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Herald {

// One live node of the cluster as the presence registry shows it: its stats as of its last
// heartbeat, and its sessions.
struct ClusterNode
{
    QString name;
    QJsonObject stats; // that node's /api/v1/stats figures; "sessions"/"users" counted here
    QList<AdminSessionRecord> sessions; // each names the node
};

// Every live node's sessions at one moment, as the presence routes and the admin channel
// answer them with a broker.
struct ClusterSnapshot
{
    QList<ClusterNode> nodes; // by name

    // All sessions in connection order (ids sort by connection time), then by node.
    QList<AdminSessionRecord> sessions() const;
    QList<AdminSessionRecord> sessionsOf(const QString &user) const;
    std::optional<AdminSessionRecord> session(const QString &id) const;
    qsizetype sessionCount() const;
    // /api/v1/stats: \a local (this node's counters) with "sessions" and "users" the
    // cluster's totals, "node" this node's name and "nodes" one object per node.
    QJsonObject stats(const QJsonObject &local, const QString &self) const;
    // Sorts the nodes and fills in each node's "node", "sessions" and "users".
    void finish();
};

} // namespace Herald
