#pragma once

#include "config/configvalueparser.h"
#include "config/serverconfig.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Herald {

// One setting as spelled in each source. The help text is generated from it, so it always
// names the environment variables, the file key and the default.
struct OptionSpec
{
    QString flag; // long option without "--"
    QStringList envNames; // strongest first
    QString fileKey; // empty: not settable in the INI file
    QString valueName; // empty: a switch without a value
    QString expected; // completes "'<value>' is not ..."
    QString description;
    QString defaultText;
};

// The table of herald-server options that ConfigLoader reads. Defaults are taken from
// ServerConfig and limits from the constants below, so the help text cannot drift.
struct ConfigOptions
{
    static constexpr int MaxWorkers = 64;
    static constexpr double MaxSeconds = 3600;
    static constexpr qint64 MinPayloadBytes = 1024;
    static constexpr qint64 MaxPayloadBytes = 16 * 1024 * 1024;
    static constexpr int MaxHistorySize = 1000000;
    static constexpr int MaxClientRate = 10000;
    static constexpr qint64 MinBodyRate = 1024;
    static constexpr qint64 MaxBodyRate = 1LL << 30;
    static constexpr qint64 DayMs = 24LL * 3600 * 1000;
    static constexpr qint64 MaxTtlMs = 36500 * DayMs; // a century: "now - ttl" cannot overflow
    static constexpr qint64 MaxTrimIntervalMs = 24 * DayMs; // fits QTimer's int milliseconds
    static constexpr qint64 MinSessionBuffer = 4096;
    static constexpr qint64 MinAdminBuffer = 64 * 1024;
    static constexpr qint64 MaxBuffer = 1024 * 1024 * 1024;
    static constexpr int MaxCoalesceMs = 60000;
    static constexpr int MaxCount = 10000000; // sessions, handshakes
    static constexpr int MaxMinReplicas = 100;
    // Each commit may hold the store thread this long while replicas are missing.
    static constexpr qint64 MaxReplicaTimeoutMs = 10000;

    static inline const ConfigValueParser::Choices<ServerConfig::StoreKind> StoreKinds{
        {QStringLiteral("sqlite"), ServerConfig::StoreKind::Sqlite},
        {QStringLiteral("memory"), ServerConfig::StoreKind::Memory},
    };
    static inline const ConfigValueParser::Choices<ServerConfig::Synchronous> SynchronousModes{
        {QStringLiteral("normal"), ServerConfig::Synchronous::Normal},
        {QStringLiteral("full"), ServerConfig::Synchronous::Full},
    };
    static inline const ConfigValueParser::Choices<ServerConfig::EventLoop> EventLoops{
        {QStringLiteral("epoll"), ServerConfig::EventLoop::Epoll},
        {QStringLiteral("qt"), ServerConfig::EventLoop::Qt},
    };

    // Built on first use; never changes afterwards.
    static const ConfigOptions &table();

    // In help-text order.
    QList<const OptionSpec *> all() const;
    QStringList fileKeys() const;

    OptionSpec wsPort, wsBind, apiPort, apiBind, workers, heartbeat, handshakeTimeout,
        apiIdleTimeout, apiHeadTimeout, apiMinBodyRate, maxPayload, clientRate, maxSessionBuffer,
        unreadCoalesce, maxSessionsPerUser, maxSessions, maxHandshakes, maxHandshakesPerAddress,
        maxAdminBuffer, store, dataDir, synchronous, historySize, historyTtl, trimInterval,
        idempotencyTtl, legacyRoutes, dev, secretFile, apiKeyFile, secretsFile, adminTokenFile,
        adminAllowedOrigins, config;
    OptionSpec eventLoop, allowedOrigins, enforceTokenExpiry, maxSessionsPerToken;
    OptionSpec drain, logRules;
    OptionSpec tlsCert, tlsKey, apiTlsCert, apiTlsKey;
    OptionSpec trustedProxies, proxyProtocol;
    OptionSpec broker, brokerPasswordFile;
    OptionSpec brokerMinReplicas, brokerReplicaTimeout, migrateToBroker, migrateForce;
    OptionSpec nodeName;
    static constexpr int MaxNodeNameLength = 64;
};

} // namespace Herald
