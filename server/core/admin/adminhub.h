#pragma once

// admin/: the admin channel herald-monitor speaks (docs/admin-protocol.md): gate,
// hub, commands and the event feed, with frames from shared/admin, and in a cluster
// the announcements that make every node's admin channel show the whole cluster.
// May include push/, ws/, store/, config/, cluster/ and broker/; never api/.

#include "admin/adminhello.h"
#include "admin/adminsessionrecord.h"
#include "admin/adminstatssampler.h"
#include "admin/clusterstatsboard.h"
#include "config/brokeraddress.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class QWebSocket;

namespace Herald {

class AdminCommands;
class AdminFeed;
class ClusterAdminWatch;
class ClusterPresence;
class ServerStats;
class SessionDirectory;
struct ServerConfig;

// The admin channel's connections, in the main thread: each gets a hello and
// a snapshot of all sessions (in batches, one per event-loop turn, so 20k
// sessions never block the push API), then coalesced live events every
// flush interval and a stats frame every second; its commands go to
// AdminCommands. See docs/admin-protocol.md. A client with more than
// maxBufferBytes queued is closed with 1008 "slow consumer" and aborted if
// its close frame is not out within closeGraceMs.
//
// In a cluster (setCluster) it shows every node: the snapshot comes from the presence
// registry, events and per-node stats from every node's announcements (ClusterAdminWatch),
// read only after this node is subscribed to them. A loss of that subscription is told to
// the clients as an "overflow" event once it is back: they resync.
class AdminHub : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int snapshotBatch = 1000;
        int flushMs = 100;
        int statsMs = 1000;
        int countersMs = 5000;
        qint64 maxBufferBytes = 8 * 1024 * 1024;
        int closeGraceMs = 3000;
        int watchTimeoutMs = 3000; // in a cluster: a snapshot waits this long for the broker
    };

    AdminHub(const ServerConfig &config, QString epoch, SessionDirectory &directory,
             ServerStats &stats, AdminFeed &feed, AdminCommands &commands, Settings settings,
             QObject *parent = nullptr);
    ~AdminHub() override;

    void adopt(std::unique_ptr<QWebSocket> socket);
    // A reload: heartbeat_s in the hello of clients connecting from now on, and
    // max_admin_buffer for every client's next frame.
    void reconfigure(const ServerConfig &config);
    qsizetype clientCount() const { return m_clients.size(); }
    // Before the first client: this node's name and the cluster's registry and broker.
    void setCluster(const QString &node, ClusterPresence *presence, const BrokerAddress &broker);

private:
    void remove(QWebSocket *socket);
    void detach(QWebSocket *socket);
    void closeSlowConsumer(QWebSocket *socket);
    // \a toldUnavailable: the client was just sent broker_unavailable; not again.
    void sendSnapshot(QWebSocket *socket, std::function<void(qsizetype total)> counted = {},
                      bool toldUnavailable = false);
    void onWatching();
    void onWatchLost();
    void onAnnounced(const QJsonObject &message);
    void sendBatch(QWebSocket *socket, std::shared_ptr<const QList<AdminSessionRecord>> sessions,
                   qsizetype offset);
    void onFrame(QWebSocket *socket, const QString &text);
    void flushEvents();
    void sendStats();
    void sendCounters();
    void sendAll(const QJsonObject &frame);
    void send(QWebSocket *socket, const QJsonObject &frame);
    void sendText(QWebSocket *socket, const QString &text);

    AdminHello m_hello;
    SessionDirectory &m_directory;
    ServerStats &m_stats;
    AdminFeed &m_feed;
    AdminCommands &m_commands;
    Settings m_settings;
    QList<QWebSocket *> m_clients;
    QTimer m_flush;
    QTimer m_statsTimer;
    QTimer m_countersTimer;
    QHash<QString, std::pair<quint64, qint64>> m_sentCounters; // per session: frames, last pong
    AdminStatsSampler m_sampler;
    // In a cluster:
    QString m_node;
    ClusterPresence *m_presence = nullptr;
    std::unique_ptr<ClusterAdminWatch> m_watch;
    QList<QWebSocket *> m_awaitingWatch; // their snapshot waits for the subscription
    bool m_watchLost = false;
    ClusterStatsBoard m_board; // heard from within 3 stats periods
};

} // namespace Herald
