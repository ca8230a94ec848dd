#pragma once

#include "config/brokeraddress.h"

#include <QJsonObject>
#include <QObject>

namespace Herald {

class RedisAsyncLink;

// The admin channel's ear on the cluster (docs/admin-protocol.md, "Clusters"): while started,
// a connection of its own to the broker, subscribed to the channel where every node's
// AdminAnnouncer publishes its session events, pushes and stats. In the thread it lives in
// (the main thread's hub); reconnects with the link's backoff.
class ClusterAdminWatch : public QObject
{
    Q_OBJECT

public:
    explicit ClusterAdminWatch(BrokerAddress address, QObject *parent = nullptr);
    ~ClusterAdminWatch() override;

    void start(); // no-op when started
    void stop(); // closes the connection: this node stops counting as a listener
    bool isWatching() const { return m_watching; }

Q_SIGNALS:
    // Subscribed: from now on every announcement arrives (after a loss, some were missed).
    void watching();
    void lost(); // the connection dropped while watching
    void announced(const QJsonObject &message);

private:
    BrokerAddress m_address;
    RedisAsyncLink *m_link = nullptr;
    bool m_watching = false;
};

} // namespace Herald
