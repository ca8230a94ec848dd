#pragma once

#include "admin/adminstatssampler.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace Herald {

class AdminFeed;

// A node's part of the cluster-wide admin view (docs/admin-protocol.md, "Clusters"). The
// presence calls announce() at each registry flush, in its thread, before it takes the
// registry's changes, and publishes the message on herald:admin after writing them: an admin
// client that subscribes, then reads the registry, misses no session that opened or closed.
//
// The message: {"type":"events","node":…,"events":[…],"dropped":n,"stats":{…}}. Session events
// are always sent (a monitor may connect to any node at any time); pushes and the node's
// stats (once per statsMs) only while some node has an admin client.
class AdminAnnouncer
{
public:
    using StatsSource = std::function<QJsonObject()>; // this node's /api/v1/stats, any thread

    AdminAnnouncer(AdminFeed &feed, QString node, StatsSource stats, int statsMs = 1000);

    // Empty when there is nothing to say. \a listened: some node has an admin client.
    QByteArray announce(bool listened);

private:
    AdminFeed &m_feed;
    QString m_node;
    StatsSource m_stats;
    int m_statsMs;
    bool m_listened = false;
    AdminStatsSampler m_sampler;
    QElapsedTimer m_sinceStats;
};

} // namespace Herald
