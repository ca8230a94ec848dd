#include "heraldserver.h"

#include "admin/adminannouncer.h"
#include "admin/admincommands.h"
#include "admin/adminhub.h"
#include "api/apiserver.h"
#include "api/apiservice.h"
#include "api/inboxapi.h"
#include "broker/redisstore.h"
#include "broker/redissubscriber.h"
#include "cluster/clusterpresence.h"
#include "config/configoptions.h"
#include "descriptorlimit.h"
#include "logging.h"
#include "push/pushservice.h"
#include "store/memorystore.h"
#include "store/sqlitestore.h"
#include "store/storefileguard.h"
#include "store/storeservice.h"
#include "tokenverifier.h"
#include "ws/commitdelivery.h"
#include "ws/handshakegate.h"
#include "ws/workerpool.h"
#include "ws/wsacceptor.h"

#include <QDir>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {
// How much longer than drain_s plus the close grace a drain may take.
constexpr int ShutdownGraceMs = 3000;
constexpr int CatchUpSettleMs = 500; // closeSessionsBehind: live messages arrive meanwhile
} // namespace

HeraldServer::HeraldServer(QObject *parent) : QObject(parent)
{ }

HeraldServer::~HeraldServer()
{
    // Listeners first; the store commits what it has and answers the workers
    // and the API while they still exist; then the workers, which still
    // write the directory (and tell the presence, stopped first but kept until then).
    if (m_presence)
        m_presence->stop();
    m_acceptor.reset();
    m_api.reset();
    m_admin.reset();
    if (m_store && m_subscriber)
        m_store->setRouting(nullptr);
    m_subscriber.reset();
    if (m_store)
        m_store->stop();
    m_pool.reset();
    m_presence.reset();
    m_store.reset();
}

bool HeraldServer::start(const ServerConfig &config)
{
    m_drainMs = config.drainMs;
    m_closeGraceMs = config.closeGraceMs;
    const int workers = config.workers > 0 ? config.workers : QThread::idealThreadCount();
    if (!config.logRules.isEmpty())
        Reloader::applyLogRules(config.logRules);
    m_gate = std::make_unique<HandshakeGate>(Reloader::tokenVerifier(config), config.legacyRoutes,
                                             config.allowedOrigins);
    createStore(config);
    limitSessions(config);
    startWorkers(config, workers);
    QString error;
    m_delivery = std::make_unique<CommitDelivery>(*m_pool);
    if (!m_store->start(*m_delivery, &error) || !m_fileGuard->arm(&error)) {
        m_errorString = u"store: "_s + error;
        return false;
    }
    if (config.broker) {
        m_subscriber = std::make_unique<RedisSubscriber>(*config.broker,
                                                         ChannelMap(RedisStore::Settings().prefix),
                                                         *m_delivery, m_stats, config.eventLoop);
        m_store->setRouting(m_subscriber.get()); // a session's open waits for its channel
        connect(m_subscriber.get(), &RedisSubscriber::restored, this,
                &HeraldServer::closeSessionsBehind);
        m_subscriber->start();
    }
    m_fileCheck.setInterval(1000);
    connect(&m_fileCheck, &QTimer::timeout, this, [this] { m_fileGuard->check(); });
    m_fileCheck.start();
    m_pushes
        = std::make_unique<PushService>(config, m_directory, *m_pool, *m_store, m_stats, m_feed);
    m_pushes->setStoreFileGuard(m_fileGuard.get());
    m_service = std::make_unique<ApiService>(config, m_directory, *m_pool, *m_pushes, m_stats);
    m_service->setHealthReport([this] { return health(); });
    m_inbox = std::make_unique<InboxApi>(m_service->guard(), *m_store);
    if (!config.adminToken.isEmpty()) {
        AdminHub::Settings adminSettings;
        adminSettings.countersMs = config.adminCountersMs;
        adminSettings.maxBufferBytes = config.maxAdminBufferBytes;
        adminSettings.closeGraceMs = config.closeGraceMs;
        m_adminCommands = std::make_unique<AdminCommands>(*m_pushes, m_directory, *m_pool, *m_store,
                                                          config.maxUsersPerPush);
        m_admin = std::make_unique<AdminHub>(config, m_store->epoch(), m_directory, m_stats, m_feed,
                                             *m_adminCommands, adminSettings);
    }
    m_api = std::make_unique<ApiServer>(config, *m_service, *m_inbox, m_admin.get(), m_stats);
    m_acceptor = std::make_unique<WsAcceptor>(
        *m_gate, *m_pool, m_slots, m_stats,
        WsAcceptor::Limits{config.handshakeTimeoutMs, config.maxHandshakes,
                           config.maxHandshakesPerAddress},
        ProxyPolicy(config.trustedProxies, config.proxyProtocol));

    if (config.tls) {
        m_tls.setConfiguration(*config.tls);
        m_pool->enableTls(*m_gate, m_tls, ProxyPolicy(config.trustedProxies, config.proxyProtocol),
                          m_slots, m_stats, config.handshakeTimeoutMs,
                          Worker::Settings().maxIncomingMessageBytes);
        m_acceptor->requireTls();
    }
    if (config.apiTls) {
        m_apiTls.setConfiguration(*config.apiTls);
        m_api->requireTls(m_apiTls);
    }
    if (!m_api->listen(config.apiBind, config.apiPort)) {
        m_errorString = m_api->errorString();
        return false;
    }
    if (!m_acceptor->listen(config.wsBind, config.wsPort)) {
        m_errorString = u"WebSocket listener %1:%2: %3"_s.arg(config.wsBind.toString())
                            .arg(config.wsPort)
                            .arg(m_acceptor->errorString());
        m_api->stop();
        return false;
    }
    qCInfo(lcServer).noquote() << "listening: WebSocket" << config.wsBind.toString() << wsPort()
                               << (config.tls ? "(wss://, path /ws), push API"
                                              : "(path /ws), push API")
                               << config.apiBind.toString() << apiPort()
                               << (config.apiTls ? "(https://)" : "") << "-" << workers
                               << "workers, heartbeat" << config.heartbeatMs << "ms, event loop"
                               << ConfigValueParser::choiceName(config.eventLoop,
                                                                ConfigOptions::EventLoops);
    if (!config.trustedProxies.isEmpty()) {
        qCInfo(lcServer).noquote()
            << "trusted proxies:" << config.trustedProxies.entries().join(u", "_s)
            << (config.proxyProtocol ? "(PROXY protocol header required)"
                                     : "(Forwarded / X-Forwarded-For)");
    } else if (config.proxyProtocol) {
        qCWarning(lcServer) << "proxy_protocol is on but trusted_proxies is empty: no "
                               "connection will be asked for a PROXY header";
    }
    if (config.legacyRoutes) {
        qCWarning(lcServer).noquote()
            << "LEGACY ROUTES ARE ON: /client?user_id= and /new/<user_id> accept anyone "
               "without authentication. Use only behind a trusted network while migrating.";
    }
    startPresence(config);
    startReloader(config);
    return true;
}

// The subscription came back after a loss: a session whose user got a seq meanwhile has
// missed it, and with no next message its gap would go unseen; it is closed to resume. The
// comparison waits a moment, so that messages published after the subscription came back
// (delivered live) are not taken for missed ones.
void HeraldServer::closeSessionsBehind()
{
    const QStringList users = m_directory.users();
    if (users.isEmpty())
        return;
    m_store->lastSeqs(
        users, this, [this](const QHash<QString, qint64> &seqs, const QString &error) {
            if (!error.isEmpty()) {
                qCWarning(lcBroker).noquote()
                    << "after the broker subscription came back, the last seqs could not be read:"
                    << error << "- a missed notification shows at the user's next one";
                return;
            }
            QTimer::singleShot(CatchUpSettleMs, this, [this, seqs] { m_pool->closeBehind(seqs); });
        });
}

// Once the WebSocket port is known (the default node name has it), before any session opens.
void HeraldServer::startPresence(const ServerConfig &config)
{
    if (!config.broker)
        return;
    ClusterPresence::Settings settings;
    settings.address = *config.broker;
    settings.node = !config.nodeName.isEmpty()
        ? config.nodeName
        : u"%1:%2"_s.arg(QSysInfo::machineHostName()).arg(wsPort());
    settings.heartbeatMs = config.heartbeatMs;
    settings.eventLoop = config.eventLoop;
    m_presence = std::make_unique<ClusterPresence>(settings, m_directory,
                                                   [this] { return m_stats.toJson(m_directory); });
    connect(m_presence.get(), &ClusterPresence::kickRequested, this, [this](const QString &id) {
        if (const std::optional<SessionInfo> info = m_directory.session(id))
            m_pool->disconnectSession(info->user, id);
    });
    connect(m_presence.get(), &ClusterPresence::userKickRequested, this,
            [this](const QString &user) { m_pool->disconnectUser(user); });
    m_directory.setObserver(m_presence.get());
    m_service->setPresence(m_presence.get());
    if (m_adminCommands)
        m_adminCommands->setPresence(m_presence.get());
    // Announced whether or not this node has an admin channel: another node's may show it.
    auto announcer = std::make_shared<AdminAnnouncer>(
        m_feed, settings.node, [this] { return m_stats.toJson(m_directory); });
    m_presence->setAnnouncer([announcer](bool listened) { return announcer->announce(listened); });
    if (m_admin)
        m_admin->setCluster(settings.node, m_presence.get(), settings.address);
    m_presence->start();
    qCInfo(lcServer).noquote() << "node name" << settings.node << "- presence TTL"
                               << m_presence->ttlMs() << "ms (3 x heartbeat_s)";
}

void HeraldServer::startReloader(const ServerConfig &config)
{
    m_reloader = std::make_unique<Reloader>(
        config,
        Reloader::Parts{*m_gate, *m_pool, *m_acceptor, *m_api, *m_service, *m_pushes, *m_store,
                        m_admin.get(), m_slots, m_stats, m_tls, m_apiTls});
    m_reloader->setSource(m_configSource);
    if (m_adminCommands)
        m_adminCommands->setReload([this] { return reloadFromSource(); });
}

void HeraldServer::setConfigSource(Reloader::Source source)
{
    m_configSource = std::move(source);
    if (m_reloader)
        m_reloader->setSource(m_configSource);
}

ReloadReport HeraldServer::reload(const ServerConfig &config)
{
    if (!m_reloader)
        return {false, {}, {}, u"the server is not running"_s};
    return m_reloader->reload(config);
}

ReloadReport HeraldServer::reloadFromSource()
{
    if (!m_reloader)
        return {false, {}, {}, u"the server is not running"_s};
    return m_reloader->reload();
}

// max_sessions 0: as many as the open-file limit allows, minus a reserve so
// that the push API and the admin channel stay reachable.
void HeraldServer::limitSessions(const ServerConfig &config)
{
    if (config.maxSessions > 0) {
        m_slots.setLimit(config.maxSessions);
        qCInfo(lcServer) << "at most" << config.maxSessions << "WebSocket sessions";
        return;
    }
    const qint64 limit = DescriptorLimit::raise();
    m_slots.setLimit(DescriptorLimit::sessionsFor(limit));
    qCInfo(lcServer).noquote() << "open-file limit" << limit << "- at most" << m_slots.limit()
                               << "WebSocket sessions," << limit - m_slots.limit()
                               << "descriptors kept for the push API and requests being read";
}

void HeraldServer::startWorkers(const ServerConfig &config, int workers)
{
    m_pool = std::make_unique<WorkerPool>(workers, WorkerPool::settingsFor(config), m_directory,
                                          m_stats, *m_store, m_feed, m_slots, config.eventLoop);
    connect(m_pool.get(), &WorkerPool::drained, this, &HeraldServer::finishStop);
}

void HeraldServer::createStore(const ServerConfig &config)
{
    std::unique_ptr<NotificationStore> store;
    if (config.broker) {
        m_fileGuard = std::make_unique<StoreFileGuard>();
        RedisStore::Settings redis;
        redis.address = *config.broker;
        redis.historySize = config.historySize;
        redis.idempotencyTtlMs = config.idempotencyTtlMs;
        redis.minReplicas = config.brokerMinReplicas;
        redis.replicaTimeoutMs = config.brokerReplicaTimeoutMs;
        store = std::make_unique<RedisStore>(redis);
        qCInfo(lcServer).noquote()
            << "broker" << config.broker->display()
            << "holds the notification streams; it replaces the embedded store (store, "
               "data_dir and sqlite_synchronous are not used)";
    } else if (config.store == ServerConfig::StoreKind::Memory) {
        m_fileGuard = std::make_unique<StoreFileGuard>();
        store = std::make_unique<MemoryStore>();
        qCWarning(lcServer) << "memory store: notifications are lost when the server stops";
    } else {
        const QString path = QDir(config.dataDir).absoluteFilePath(u"herald.sqlite3"_s);
        m_fileGuard = std::make_unique<StoreFileGuard>(path);
        const auto sync = config.sqliteSynchronous == ServerConfig::Synchronous::Full
            ? SqliteStore::Synchronous::Full
            : SqliteStore::Synchronous::Normal;
        store = std::make_unique<SqliteStore>(path, sync);
        qCInfo(lcServer).noquote()
            << "SQLite store" << path << "synchronous"
            << (config.sqliteSynchronous == ServerConfig::Synchronous::Full ? "FULL" : "NORMAL");
    }
    const StoreService::Settings settings{config.historySize,       config.historyTtlMs,
                                          config.idempotencyTtlMs,  config.trimIntervalMs,
                                          config.eventLoop,         !config.broker,
                                          config.brokerMinReplicas, config.brokerReplicaTimeoutMs};
    m_store = std::make_unique<StoreService>(std::move(store), settings, m_directory, m_stats);
}

// What /healthz reports: checked now, not a constant.
QJsonObject HeraldServer::health()
{
    const bool storeOk = m_subscriber ? m_subscriber->isSubscribed() : m_fileGuard->check();
    const QString kind = m_subscriber   ? u"redis"_s
        : m_fileGuard->path().isEmpty() ? u"memory"_s
                                        : u"sqlite"_s;
    QJsonObject store{{u"kind"_s, kind}, {u"ok"_s, storeOk}};
    if (m_subscriber) // the user channels this node hears: those of its sessions' users
        store.insert(u"channels"_s, double(m_stats.brokerChannels.load(std::memory_order_relaxed)));
    if (!storeOk && m_subscriber)
        store.insert(u"error"_s, u"not subscribed to the broker"_s);
    else if (!storeOk)
        store.insert(u"error"_s, m_fileGuard->problem());
    const bool workersOk = m_pool && m_pool->allRunning();
    const bool wsOk = m_acceptor && m_acceptor->isListening();
    const bool apiOk = m_api && m_api->isListening();
    const bool ok = storeOk && workersOk && wsOk && apiOk && !m_stopping;
    return {{u"status"_s, ok ? u"ok"_s : u"unavailable"_s},
            {u"store"_s, store},
            {u"workers"_s,
             QJsonObject{{u"count"_s, m_pool ? m_pool->size() : 0}, {u"ok"_s, workersOk}}},
            {u"listeners"_s,
             QJsonObject{{u"ws"_s, QJsonObject{{u"port"_s, wsPort()}, {u"ok"_s, wsOk}}},
                         {u"api"_s, QJsonObject{{u"port"_s, apiPort()}, {u"ok"_s, apiOk}}}}},
            {u"stopping"_s, m_stopping}};
}

quint16 HeraldServer::wsPort() const
{
    return m_acceptor ? m_acceptor->serverPort() : 0;
}

quint16 HeraldServer::apiPort() const
{
    return m_api ? m_api->port() : 0;
}

void HeraldServer::stop()
{
    if (!m_pool)
        return;
    if (m_stopping)
        return hurry();
    m_stopping = true;
    if (m_reloader)
        m_drainMs = m_reloader->config().drainMs; // drain_s may have been reloaded
    m_drainClock.start();
    m_acceptor->stop();
    m_api->stop();
    m_service->refusePushes();
    qCInfo(lcServer).noquote() << "draining:" << m_directory.sessionCount()
                               << "sessions to close with 1012 over" << m_drainMs / 1000.0
                               << "s (drain_s); new connections refused";
    // Pushes answered 202 are on disk and handed to the workers before any
    // session closes: its worker gets them first.
    m_store->settle(this, [this] { startDrain(); });
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HeraldServer::onDeadline);
    m_deadline.start(m_drainMs + m_closeGraceMs + ShutdownGraceMs);
}

void HeraldServer::startDrain()
{
    if (m_draining || m_stopped)
        return;
    m_draining = true;
    m_pool->shutdown(m_drainMs);
}

void HeraldServer::hurry()
{
    if (m_stopped || m_drainMs == 0)
        return;
    qCInfo(lcServer) << "second stop signal: closing the remaining" << m_directory.sessionCount()
                     << "sessions at once";
    m_drainMs = 0; // for startDrain(), if the store has not settled yet
    if (m_draining)
        m_pool->hurry();
    const int bound = m_closeGraceMs + ShutdownGraceMs;
    if (m_deadline.remainingTime() > bound)
        m_deadline.start(bound);
}

// The process must end even if a worker or a peer does not: the sockets
// still open are reset when it exits.
void HeraldServer::onDeadline()
{
    qCWarning(lcServer) << "drain deadline passed after" << m_drainClock.elapsed() << "ms with"
                        << m_directory.sessionCount() << "sessions open; resetting them";
    finishStop();
}

void HeraldServer::finishStop()
{
    if (!m_stopping || m_stopped)
        return;
    m_stopped = true;
    m_deadline.stop();
    qCInfo(lcServer) << "drain over after" << m_drainClock.elapsed() << "ms";
    if (m_subscriber)
        m_subscriber->stop();
    if (m_presence)
        m_presence->stop();
    m_store->stop();
    qCInfo(lcServer) << "stopped";
    Q_EMIT stopped();
}

} // namespace Herald
