#include "nodestats.h"

#include "admin/adminkeys.h"

#include <QJsonArray>

#include <algorithm>

namespace Herald {

namespace {

qint64 integerOr(const QJsonValue &value, qint64 fallback)
{
    return value.isDouble() ? value.toInteger(qint64(value.toDouble())) : fallback;
}

} // namespace

std::optional<NodeStats> NodeStats::fromJson(const QJsonObject &json)
{
    const QString node = json.value(AdminKey::Node).toString();
    if (node.isEmpty())
        return std::nullopt;
    NodeStats stats;
    stats.node = node;
    stats.sessions = integerOr(json.value(AdminKey::Sessions), 0);
    stats.users = integerOr(json.value(AdminKey::Users), 0);
    stats.pushesPerSecond = json.value(AdminKey::PushesPerSecond).toDouble();
    stats.framesPerSecond = json.value(AdminKey::FramesPerSecond).toDouble();
    stats.bytesPerSecond = json.value(AdminKey::BytesPerSecond).toDouble();
    stats.rssBytes = integerOr(json.value(AdminKey::RssBytes), Unknown);
    stats.uptimeSeconds = integerOr(json.value(AdminKey::UptimeSeconds), Unknown);
    return stats;
}

QList<NodeStats> NodeStats::listFromStats(const QJsonObject &others)
{
    QList<NodeStats> nodes;
    for (const QJsonValue &entry : others.value(AdminKey::Nodes).toArray()) {
        if (auto stats = fromJson(entry.toObject()))
            nodes.append(std::move(*stats));
    }
    // Stable: of two entries with one name, the later one ends up last.
    std::stable_sort(nodes.begin(), nodes.end(),
                     [](const NodeStats &a, const NodeStats &b) { return a.node < b.node; });
    const auto sameName = [](const NodeStats &a, const NodeStats &b) { return a.node == b.node; };
    std::reverse(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end(), sameName), nodes.end());
    std::reverse(nodes.begin(), nodes.end());
    return nodes;
}

} // namespace Herald
