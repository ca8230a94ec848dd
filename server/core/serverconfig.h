#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

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

    int workers = 0; // 0: one per core
    int heartbeatMs = 30000; // ping interval; a session missing one pong is reaped
    int handshakeTimeoutMs = 10000; // time a client has to send its upgrade request
    int apiIdleTimeoutMs = 60000; // idle or slow push-API connections are closed after this
    qint64 maxPayloadBytes = 64 * 1024; // limit on a notification's "data", as JSON
    int maxUsersPerPush = 10000;

    // A push body holds the payload plus up to maxUsersPerPush ids (at most
    // 256 characters each, quoted and comma-separated).
    qint64 maxBodyBytes() const { return maxPayloadBytes + qint64(maxUsersPerPush) * 260 + 1024; }

    QByteArray secret; // HS256 key for browser tokens; never logged
    QByteArray apiKey; // bearer key for /api/; never logged

    bool devMode = false; // --dev: missing secrets are generated, short ones accepted
    bool secretGenerated = false; // only generated secrets are ever printed (by --dev)
    bool apiKeyGenerated = false;
    bool legacyRoutes = false; // unauthenticated /client?user_id= and /new/<id>
};

} // namespace Herald
