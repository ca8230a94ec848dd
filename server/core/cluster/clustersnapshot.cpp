#include "cluster/clustersnapshot.h"

#include "admin/adminkeys.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QList<AdminSessionRecord> ClusterSnapshot::sessions() const
{
    QList<AdminSessionRecord> all;
    for (const ClusterNode &node : nodes)
        all.append(node.sessions);
    std::stable_sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
        return std::tie(a.id, a.node) < std::tie(b.id, b.node);
    });
    return all;
}

QList<AdminSessionRecord> ClusterSnapshot::sessionsOf(const QString &user) const
{
    QList<AdminSessionRecord> result;
    for (const AdminSessionRecord &record : sessions()) {
        if (record.user == user)
            result.append(record);
    }
    return result;
}

std::optional<AdminSessionRecord> ClusterSnapshot::session(const QString &id) const
{
    for (const ClusterNode &node : nodes) {
        for (const AdminSessionRecord &record : node.sessions) {
            if (record.id == id)
                return record;
        }
    }
    return std::nullopt;
}

qsizetype ClusterSnapshot::sessionCount() const
{
    qsizetype count = 0;
    for (const ClusterNode &node : nodes)
        count += node.sessions.size();
    return count;
}

QJsonObject ClusterSnapshot::stats(const QJsonObject &local, const QString &self) const
{
    QJsonObject answer = local;
    QSet<QString> users;
    QJsonArray perNode;
    for (const ClusterNode &node : nodes) {
        for (const AdminSessionRecord &record : node.sessions)
            users.insert(record.user);
        perNode.append(node.stats);
    }
    answer.insert(AdminKey::Sessions, double(sessionCount()));
    answer.insert(AdminKey::Users, double(users.size()));
    answer.insert(AdminKey::Node, self);
    answer.insert(AdminKey::Nodes, perNode);
    return answer;
}

void ClusterSnapshot::finish()
{
    std::sort(nodes.begin(), nodes.end(),
              [](const ClusterNode &a, const ClusterNode &b) { return a.name < b.name; });
    for (ClusterNode &node : nodes) {
        QSet<QString> users;
        for (const AdminSessionRecord &record : node.sessions)
            users.insert(record.user);
        node.stats.insert(AdminKey::Node, node.name);
        node.stats.insert(AdminKey::Sessions, double(node.sessions.size()));
        node.stats.insert(AdminKey::Users, double(users.size()));
    }
}

} // namespace Herald
