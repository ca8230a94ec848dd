#pragma once

// config/: ServerConfig and how it is read: flags, environment, INI file and
// secret files. Includes only config/ and shared/ (tests/structure/includes.cmake
// checks it); every other folder may include it.

#include "config/brokeraddress.h"
#include "config/originpolicy.h"
#include "config/trustedproxies.h"

#include <QByteArray>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace Herald {

// Everything herald-server needs to start, as one value. Built by ConfigLoader
// (flags > environment > INI file > defaults) and handed to HeraldServer::start().
struct ServerConfig
{
    // Public listener for browser WebSockets (path /ws).
    QHostAddress wsBind = QHostAddress::LocalHost;
    quint16 wsPort = 8080;
    // Push API listener, for the application's backend only.
    QHostAddress apiBind = QHostAddress::LocalHost;
    quint16 apiPort = 8081;

    // TLS, from PEM files (config/tlscredentials.h): with tls the public listener
    // serves wss:// and https:// only; with apiTls the push API serves https:// only.
    QString tlsCertFile, tlsKeyFile, apiTlsCertFile, apiTlsKeyFile;
    std::optional<QSslConfiguration> tls, apiTls;

    int workers = 0; // 0: one per core
    int heartbeatMs = 30000; // ping interval; a session missing one pong is reaped
    int handshakeTimeoutMs = 10000; // time a client has to send its upgrade request
    int apiIdleTimeoutMs
        = 60000; // push-API connections idle between requests are closed after this
    int apiHeadTimeoutMs = 10000; // a push-API request head must be whole within this (else 408)
    qint64 apiMinBodyRate = 65536; // bytes/s: a body gets head timeout + length / rate (else 408)
    qint64 maxPayloadBytes = 64 * 1024; // limit on a notification's "data", as JSON
    int maxUsersPerPush = 10000;

    // A push body holds the payload plus up to maxUsersPerPush ids (at most
    // 256 characters each, quoted and comma-separated).
    qint64 maxBodyBytes() const { return maxPayloadBytes + qint64(maxUsersPerPush) * 260 + 1024; }

    // Durable inbox (see store/notificationstore.h).
    enum class StoreKind { Sqlite, Memory };
    StoreKind store = StoreKind::Sqlite;
    QString dataDir = QStringLiteral("herald-data"); // SQLite file: <dataDir>/herald.sqlite3
    enum class Synchronous { Normal, Full };
    Synchronous sqliteSynchronous = Synchronous::Normal;
    int historySize = 1000; // notifications kept per user
    qint64 historyTtlMs = 30LL * 24 * 3600 * 1000; // notifications older than this are dropped
    int trimIntervalMs = 60000; // how often retention runs
    qint64 idempotencyTtlMs = 24LL * 3600 * 1000; // how long Idempotency-Key answers are kept
    // Cluster mode (README "Running several nodes"): the Redis broker that holds every
    // user's stream instead of the embedded store; nullopt: this node runs alone.
    std::optional<BrokerAddress> broker;
    QString brokerPasswordFile; // its password replaces one in the URL
    // After each commit the broker waits (Redis WAIT) until this many replicas have it, at
    // most brokerReplicaTimeoutMs; fewer: the pushes get 503 replicas_unavailable. 0: off.
    int brokerMinReplicas = 0;
    int brokerReplicaTimeoutMs = 1000;
    // --migrate-to-broker: copy the SQLite store into the broker, then exit (main.cpp).
    bool migrateToBroker = false;
    bool migrateForce = false; // ... even over Herald data the broker already holds
    // This node's name in the cluster's presence registry; empty: <host name>:<ws port>,
    // filled in at start once the port is known.
    QString nodeName;
    int clientFramesPerSecond = 20; // a client sending faster (burst: 2x) is closed with 1008

    // Limits that keep one hostile client from exhausting the server (README, "WebSocket limits").
    qint64 maxSessionBufferBytes = 1024 * 1024; // queued for one session; past it: 1008
    int unreadCoalesceMs = 250; // at most one unread frame per session per interval; 0: none
    int maxSessionsPerUser = 32; // a further session of the user is closed with 4008
    int maxSessionsPerToken = 0; // sessions per token "sid" (else "jti"); 0: no limit. 4008
    int maxSessions = 0; // WebSocket connections in all; 0: RLIMIT_NOFILE minus a reserve
    int maxHandshakes = 1024; // connections still sending their request head, in all
    int maxHandshakesPerAddress = 128; // the same, from one client address (trusted proxies: none)
    qint64 maxAdminBufferBytes = 8 * 1024 * 1024; // queued for one admin client; past it: 1008
    int closeGraceMs = 3000; // a closed session's socket is aborted if its close frame is
                             // still unsent by then (tests lengthen it)
    int drainMs = 10000; // on SIGTERM sessions are closed with 1012 spread over this; 0: at once
    // QLoggingCategory filter rules, one per line (log_rules); empty: the categories' defaults.
    QString logRules;

    QByteArray secret; // HS256 key for browser tokens; never logged
    // More secrets that verify tokens (rotation): a token's "kid" picks one by id.
    QList<std::pair<QByteArray, QByteArray>> extraSecrets; // (kid, secret)
    // Peers of the public listener whose PROXY header or Forwarded / X-Forwarded-For header
    // names the client (README "Behind a proxy or load balancer"); empty: none.
    TrustedProxies trustedProxies;
    bool proxyProtocol = false; // trusted peers begin with a PROXY protocol v1/v2 header
    // Browser pages whose Origin may open /ws; empty: any. No Origin header: allowed.
    OriginPolicy allowedOrigins;
    bool enforceTokenExpiry = false; // close a session with 4002 when its token's exp passes
    QByteArray apiKey; // bearer key for /api/; never logged
    QByteArray adminToken; // bearer token for /admin (herald-monitor); empty: admin channel off
    QStringList adminAllowedOrigins; // pages that may open /admin; empty: none (only non-browsers)
    int adminCountersMs
        = 5000; // how often the admin channel reports session counters (tests shorten it)

    bool devMode = false; // --dev: missing secrets are generated, short ones accepted
    bool secretGenerated = false; // only generated secrets are ever printed (by --dev)
    bool apiKeyGenerated = false;
    bool adminTokenGenerated = false;
    bool legacyRoutes = false; // unauthenticated /client?user_id= and /new/<id>

    // The event dispatcher of every server thread: epoll (server/eventloop) costs time in
    // proportion to the ready sockets; Qt's own ppoll()s every socket of a thread on each
    // wake-up, and stays available as a fallback.
    enum class EventLoop { Epoll, Qt };
    EventLoop eventLoop = EventLoop::Epoll;
};

} // namespace Herald
