#include "admin/clusterstatsboard.h"

#include "admin/adminkeys.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

void ClusterStatsBoard::update(const QJsonObject &stats)
{
    const QString node = stats.value(AdminKey::Node).toString();
    if (node.isEmpty())
        return;
    Entry &entry = m_nodes[node];
    entry.stats = stats;
    entry.stats.remove(AdminKey::Type);
    entry.age.start();
}

AdminStats ClusterStatsBoard::compose(AdminStats local, const QString &self)
{
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (it->age.hasExpired(m_maxAgeMs))
            it = m_nodes.erase(it);
        else
            ++it;
    }
    if (m_nodes.isEmpty())
        return local;
    QJsonArray nodes;
    qint64 sessions = 0;
    qint64 users = 0;
    for (const Entry &entry : std::as_const(m_nodes)) {
        sessions += qint64(entry.stats.value(u"sessions"_s).toDouble());
        users += qint64(entry.stats.value(u"users"_s).toDouble());
        nodes.append(entry.stats);
    }
    local.sessions = sessions;
    local.users = users;
    local.others.insert(AdminKey::Node, self);
    local.others.insert(AdminKey::Nodes, nodes);
    return local;
}

} // namespace Herald
