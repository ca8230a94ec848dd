#pragma once

// api/: the push API listener: strict HTTP framing, the guard, the push, inbox,
// presence and metrics routes, and the /admin upgrade. May include every other
// folder; nothing but heraldserver.cpp includes api/.

#include "admin/admingate.h"
#include "api/apireply.h"
#include "api/apiservice.h"
#include "api/apitcpserver.h"
#include "api/inboxapi.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>
#include <QPointer>
#include <QWebSocketServer>

namespace Herald {

class TlsContext;

class AdminHub;
class ApiSocket;
class ServerStats;
struct HttpRequestHead;

// The push API listener: QHttpServer on its own guarded QTcpServer, in the
// main thread. Routes are one-liners into ApiService and InboxApi.
//
// Only /admin switches protocols, and never through QHttpServer: ApiTcpServer
// hands the first request of each connection that asks for an upgrade to
// takeUpgrade(), which checks it (AdminGate) and passes it to a WebSocket
// server of its own. Nothing listens to QHttpServer's WebSocket server, so
// any other upgrade request gets its route's HTTP answer and is closed.
class ApiServer : public QObject
{
    Q_OBJECT

public:
    // \a admin: the admin channel's hub, or null when it is off.
    ApiServer(const ServerConfig &config, ApiService &service, InboxApi &inbox, AdminHub *admin,
              ServerStats &stats, QObject *parent = nullptr);

    // https:// only (ApiTcpServer::requireTls); call before listen().
    void requireTls(const TlsContext &tls);
    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    bool isListening() const;
    QString errorString() const { return m_errorString; }
    void stop(); // stops listening; connections already open are still served
    // A reload: the listener's limits and the admin gate's token and origins, for what
    // comes from now on; admin clients already connected stay.
    void reconfigure(const ServerConfig &config);

private:
    static ApiTcpServer::Limits limitsFor(const ServerConfig &config);
    void addRoutes(bool legacyRoutes);
    void addInboxRoutes();
    void addAdminRoute();
    void takeUpgrade(ApiSocket *socket, const HttpRequestHead &request);
    void adoptAdminSockets();
    void answerMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    // For routes answered later (after the store commits).
    Reply reply(QHttpServerResponder &&responder) const;

    ApiService &m_service;
    InboxApi &m_inbox;
    AdminHub *m_admin;
    AdminGate m_adminGate;
    QWebSocketServer m_adminSockets;
    QList<QPointer<QTcpSocket>> m_adminHandshakes; // switched, not yet adopted by m_admin
    QHttpServer m_http;
    ApiTcpServer *m_tcp;
    QString m_errorString;
};

} // namespace Herald
