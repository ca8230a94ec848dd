#pragma once

// cluster/: presence across the nodes of a cluster (README "Running several nodes"): the
// session registry in Redis and the control channel that carries kicks. May include ws/,
// broker/, config/ and shared/; never api/ (nor the admin channel's server side).

#include "cluster/clustersnapshot.h"
#include "config/brokeraddress.h"
#include "config/serverconfig.h"
#include "ws/sessioninfo.h"
#include "ws/sessionobserver.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <optional>

class QThread;

namespace Herald {

class RedisAsyncLink;
class SessionDirectory;

// Registers this node's sessions in Redis and answers for every live node's (docs/broker.md,
// "Presence"). Keys: herald:nodes (set of names), herald:node:<name> (the node's stats, with
// a TTL: its liveness), herald:sess:<name> (hash: session id -> record, same TTL). The
// heartbeat timer (heartbeat_s) refreshes both TTLs; TTL = 3 x heartbeat_s (at least 1 s),
// so a dead node's sessions leave every answer within one TTL of its last beat.
//
// Sessions opening and closing are queued by the workers (SessionObserver) and written every
// flushMs in one pipelined batch. Runs in a thread of its own, on two async hiredis
// connections: one for the registry and queries, one subscribed to herald:control:<name>,
// where other nodes publish kicks of this node's sessions. Answers come back in the thread of
// the context object given.
class ClusterPresence : public QObject, public SessionObserver
{
    Q_OBJECT

public:
    struct Settings
    {
        BrokerAddress address;
        QString node;
        int heartbeatMs = 30000;
        int flushMs = 100;
        int queryTimeoutMs = 3000;
        ServerConfig::EventLoop eventLoop = ServerConfig::EventLoop::Epoll;
    };
    using StatsSource = std::function<QJsonObject()>; // this node's stats, any thread
    // The admin channel's message for this flush (AdminAnnouncer::announce), published on
    // AdminChannel after the flush's registry writes; \a listened: some node has an admin
    // client subscribed. Called in the presence thread.
    using Announcer = std::function<QByteArray(bool listened)>;
    static constexpr char AdminChannel[] = "herald:admin";

    ClusterPresence(Settings settings, SessionDirectory &directory, StatsSource stats);
    ~ClusterPresence() override;

    void setAnnouncer(Announcer announcer); // before start()
    void start(); // returns at once; connects in its thread
    void stop(); // blocking: unregisters this node (best effort) and joins the thread

    QString node() const { return m_settings.node; }
    int ttlMs() const;

    // Every live node's sessions; nullopt when the broker does not answer in time.
    using SnapshotDone = std::function<void(std::optional<ClusterSnapshot>)>;
    void snapshot(QObject *context, SnapshotDone done);

    // Closes the session wherever it lives (as a local kick does): Kicked with its record,
    // NotFound when no live node has it, Unavailable when the broker does not answer or the
    // owning node is not listening.
    enum class Outcome { Kicked, NotFound, Unavailable };
    using KickDone = std::function<void(Outcome, const AdminSessionRecord &)>;
    void kickSession(const QString &id, QObject *context, KickDone done);
    // Closes every session of the user on every node; the number closed, or nullopt.
    using KickUserDone = std::function<void(std::optional<qsizetype>)>;
    void kickUser(const QString &user, QObject *context, KickUserDone done);

    void sessionAdded(const SessionInfo &info) override;
    void sessionRemoved(const SessionInfo &info) override;

Q_SIGNALS:
    // A kick for this node (from any node, this one included); emitted in the presence
    // thread, to be acted on in the thread that owns the workers.
    void kickRequested(const QString &sessionId);
    void userKickRequested(const QString &user);

private:
    void setUp();
    void tearDown();
    void resync();
    void flush();
    void beat();
    void countListeners();
    void gather(SnapshotDone finish);
    void gatherNodes(const QStringList &names, SnapshotDone finish);
    ClusterNode localNode() const;
    void publish(const QString &node, const QJsonObject &message, std::function<void(bool)> done);
    void onControl(const QByteArray &payload);
    void writeRecords(const QList<SessionInfo> &sessions);
    QByteArray key(const QString &kind, const QString &node) const;

    Settings m_settings;
    SessionDirectory &m_directory;
    StatsSource m_stats;
    Announcer m_announcer;
    bool m_listened = false; // as of the last PUBSUB NUMSUB
    QThread *m_thread = nullptr;
    RedisAsyncLink *m_link = nullptr; // registry and queries; in the presence thread
    RedisAsyncLink *m_control = nullptr; // subscribed to this node's control channel
    QTimer *m_flush = nullptr;
    QTimer *m_heartbeat = nullptr;
    QTimer *m_listeners = nullptr; // PUBSUB NUMSUB herald:admin, once a second
    QMutex m_pendingLock; // the workers' queue
    QHash<QString, SessionInfo> m_added;
    QSet<QString> m_removed;
};

} // namespace Herald
