#include "admin/adminannouncer.h"

#include "admin/admineventbatch.h"
#include "admin/adminkeys.h"
#include "adminfeed.h"

#include <QJsonDocument>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminAnnouncer::AdminAnnouncer(AdminFeed &feed, QString node, StatsSource stats, int statsMs)
    : m_feed(feed), m_node(std::move(node)), m_stats(std::move(stats)), m_statsMs(statsMs)
{
    m_feed.setScope(AdminFeed::Scope::Sessions);
}

QByteArray AdminAnnouncer::announce(bool listened)
{
    AdminFeed::Batch batch = m_feed.take();
    m_feed.setScope(listened ? AdminFeed::Scope::All : AdminFeed::Scope::Sessions);
    std::optional<AdminStats> stats;
    if (listened && (!m_listened || m_sinceStats.elapsed() >= m_statsMs)) {
        const QJsonObject totals = m_stats();
        if (m_listened)
            stats = m_sampler.sample(totals);
        else
            m_sampler.reset(totals); // no rate over the time nobody listened
        m_sinceStats.start();
    }
    m_listened = listened;
    if (batch.events.isEmpty() && batch.dropped == 0 && !stats)
        return {};
    for (AdminEvent &event : batch.events)
        event.session.node = m_node;
    AdminEventBatch events{std::move(batch.events)};
    if (batch.dropped > 0)
        events.events.append(AdminEvent::overflow(batch.dropped));
    QJsonObject json = events.toJson();
    json.insert(AdminKey::Node, m_node);
    if (stats) {
        stats->others.insert(AdminKey::Node, m_node);
        json.insert(AdminType::Stats, stats->toJson());
    }
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

} // namespace Herald
