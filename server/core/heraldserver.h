#pragma once

#include "admin/adminfeed.h"
#include "config/serverconfig.h"
#include "reloader.h"
#include "serverstats.h"
#include "tlscontext.h"
#include "ws/sessiondirectory.h"
#include "ws/sessionslots.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <memory>

namespace Herald {

class AdminCommands;
class AdminHub;
class ApiServer;
class ApiService;
class ClusterPresence;
class CommitDelivery;
class HandshakeGate;
class InboxApi;
class PushService;
class RedisSubscriber;
class StoreFileGuard;
class StoreService;
class WorkerPool;
class WsAcceptor;

// The herald-server engine: the public WebSocket listener, the worker threads
// that own the sessions, and the push API, wired from one ServerConfig.
class HeraldServer : public QObject
{
    Q_OBJECT

public:
    explicit HeraldServer(QObject *parent = nullptr);
    ~HeraldServer() override;

    // Listens on both ports and starts the workers. Returns false, with
    // errorString() set and nothing left listening, when a port cannot be bound.
    bool start(const ServerConfig &config);
    QString errorString() const { return m_errorString; }

    quint16 wsPort() const;
    quint16 apiPort() const;
    const SessionDirectory &directory() const { return m_directory; }
    const ServerStats &stats() const { return m_stats; }

    // Where reloadFromSource() reads the configuration again (main: ConfigLoader::load()
    // with the process's arguments and environment).
    void setConfigSource(Reloader::Source source);
    // Applies what can change live of \a config (see ConfigChange), keeps the rest as it
    // runs, and drops no session. Valid after a successful start().
    ReloadReport reload(const ServerConfig &config);
    // SIGHUP and the admin command reload: reads the configuration again and reload()s it;
    // a refused one is logged and counted and changes nothing.
    ReloadReport reloadFromSource();

    // The paced drain. Stops accepting WebSocket and push API connections
    // (pushes on open API connections get 503 shutting_down), lets the store
    // commit and answer what it was given, then closes every session with 1012
    // "service restart", spread evenly over drain_s. Emits stopped() once they
    // are gone, or at the latest drain_s + close grace + a few seconds later.
    // A second call closes the rest at once.
    void stop();

Q_SIGNALS:
    void stopped();

private:
    void createStore(const ServerConfig &config);
    QJsonObject health();
    void limitSessions(const ServerConfig &config);
    void startWorkers(const ServerConfig &config, int workers);
    void startReloader(const ServerConfig &config);
    void startPresence(const ServerConfig &config);
    void closeSessionsBehind();
    void startDrain();
    void hurry();
    void onDeadline();
    void finishStop();

    QString m_errorString;
    SessionDirectory m_directory;
    ServerStats m_stats;
    AdminFeed m_feed;
    SessionSlots m_slots; // outlives the workers, which give slots back
    TlsContext m_tls; // the public listener's certificate; outlives the workers' TLS intakes
    TlsContext m_apiTls;
    std::unique_ptr<HandshakeGate> m_gate;
    std::unique_ptr<StoreService> m_store;
    std::unique_ptr<StoreFileGuard> m_fileGuard;
    QTimer m_fileCheck;
    std::unique_ptr<WorkerPool> m_pool;
    std::unique_ptr<CommitDelivery> m_delivery; // the store's sink: its commits to the workers
    // With a broker: the only caller of m_delivery, for every node's commits.
    std::unique_ptr<RedisSubscriber> m_subscriber;
    // With a broker: this node's sessions in the cluster's registry, and kicks from any node.
    std::unique_ptr<ClusterPresence> m_presence;
    std::unique_ptr<PushService> m_pushes;
    std::unique_ptr<ApiService> m_service;
    std::unique_ptr<InboxApi> m_inbox;
    std::unique_ptr<AdminCommands> m_adminCommands;
    std::unique_ptr<AdminHub> m_admin; // null when no admin token is configured
    std::unique_ptr<ApiServer> m_api;
    std::unique_ptr<WsAcceptor> m_acceptor;
    std::unique_ptr<Reloader> m_reloader; // once started
    Reloader::Source m_configSource;
    int m_drainMs = 0;
    int m_closeGraceMs = 0;
    QTimer m_deadline; // stops the drain that takes too long
    QElapsedTimer m_drainClock;
    bool m_draining = false; // the workers close sessions
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace Herald
