#include "api/apiserver.h"

#include "admin/adminhub.h"
#include "api/apisocket.h"
#include "api/apitcpserver.h"
#include "api/encodedpathrule.h"
#include "api/httprequesthead.h"
#include "httpanswer.h"
#include "logging.h"
#include "loglimiter.h"
#include "logtext.h"

#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

using Request = QHttpServerRequest;
using Responder = QHttpServerResponder;

namespace {

// A WebSocket handshake that QWebSocketServer would accept, or the refusal;
// it closes the connection without a word on a malformed one.
std::optional<ApiError> handshakeRefusal(const HttpRequestHead &request)
{
    if (request.method != "GET")
        return ApiError{405, u"method_not_allowed"_s, u"A WebSocket upgrade must be a GET"_s};
    if (!request.headerHasToken("upgrade", "websocket")
        || !request.headerHasToken("connection", "upgrade") || !request.http11) {
        return ApiError{400, u"bad_upgrade"_s,
                        u"Send Upgrade: websocket and Connection: Upgrade"_s};
    }
    if (request.header("sec-websocket-version") != "13") {
        return ApiError{426, u"unsupported_websocket_version"_s,
                        u"Sec-WebSocket-Version must be 13"_s};
    }
    if (QByteArray::fromBase64(request.header("sec-websocket-key")).size() != 16) {
        return ApiError{400, u"bad_upgrade"_s, u"Sec-WebSocket-Key must be 16 bytes in base64"_s};
    }
    return std::nullopt;
}

LogLimiter refusalLog;

} // namespace

ApiServer::ApiServer(const ServerConfig &config, ApiService &service, InboxApi &inbox,
                     AdminHub *admin, ServerStats &stats, QObject *parent)
    : QObject(parent),
      m_service(service),
      m_inbox(inbox),
      m_admin(admin),
      m_adminGate(config.adminToken, config.adminAllowedOrigins),
      m_adminSockets(u"herald-admin"_s, QWebSocketServer::NonSecureMode),
      m_tcp(new ApiTcpServer(limitsFor(config), stats, this))
{
    addRoutes(config.legacyRoutes);
    addInboxRoutes();
    if (m_admin) {
        addAdminRoute();
        m_tcp->setUpgradeHandler(u"/admin"_s,
                                 [this](ApiSocket *socket, const HttpRequestHead &request) {
                                     takeUpgrade(socket, request);
                                 });
    }
}

ApiTcpServer::Limits ApiServer::limitsFor(const ServerConfig &config)
{
    return {config.apiIdleTimeoutMs, config.apiHeadTimeoutMs, config.apiMinBodyRate,
            config.maxBodyBytes()};
}

void ApiServer::reconfigure(const ServerConfig &config)
{
    m_tcp->setLimits(limitsFor(config));
    m_adminGate = AdminGate(config.adminToken, config.adminAllowedOrigins);
}

Reply ApiServer::reply(QHttpServerResponder &&responder) const
{
    return std::make_shared<ApiReply>(m_tcp->currentSocket(), std::move(responder));
}

void ApiServer::addRoutes(bool legacyRoutes)
{
    // Never return QFuture from a route: 6.4 crashes when the client leaves early.
    // Routes answered later take the responder and wrap it in an ApiReply.
    m_http.route(u"/healthz"_s, [this](const Request &r) { return m_service.health(r); });
    m_http.route(u"/api/v1/notify"_s, [this](const Request &r, Responder &&responder) {
        m_service.notify(r, reply(std::move(responder)));
    });
    m_http.route(u"/api/v1/broadcast"_s, [this](const Request &r, Responder &&responder) {
        m_service.broadcast(r, reply(std::move(responder)));
    });
    m_http.route<EncodedPathRule>(
        u"/api/v1/users/<arg>/sessions"_s,
        [this](const QString &user, const Request &r, Responder &&responder) {
            m_service.userSessions(user, r, reply(std::move(responder)));
        });
    m_http.route(u"/api/v1/sessions"_s, [this](const Request &r, Responder &&responder) {
        m_service.sessions(r, reply(std::move(responder)));
    });
    m_http.route<EncodedPathRule>(
        u"/api/v1/sessions/<arg>"_s,
        [this](const QString &id, const Request &r, Responder &&responder) {
            m_service.session(id, r, reply(std::move(responder)));
        });
    m_http.route(u"/api/v1/stats"_s, [this](const Request &r, Responder &&responder) {
        m_service.stats(r, reply(std::move(responder)));
    });
    m_http.route(u"/metrics"_s, [this](const Request &r) { return m_service.metrics(r); });
    if (legacyRoutes) {
        m_http.route<EncodedPathRule>(
            u"/new/<arg>"_s, [this](const QString &user, const Request &r, Responder &&responder) {
                m_service.legacyNew(user, r, reply(std::move(responder)));
            });
    }
    m_http.setMissingHandler([this](const Request &r, Responder &&responder) {
        answerMissing(r, std::move(responder));
    });
}

// QHttpServer 6.4 calls this after the route of an upgrade request too (then
// closes the connection): only answer when no route has.
void ApiServer::answerMissing(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const bool upgrade = request.value("Connection").toLower().contains("upgrade");
    if (upgrade && m_tcp->currentAnswered())
        return;
    m_service.notFound(request).write(std::move(responder));
}

void ApiServer::addInboxRoutes()
{
    m_http.route<EncodedPathRule>(
        u"/api/v1/users/<arg>/read"_s,
        [this](const QString &user, const Request &r, Responder &&responder) {
            m_inbox.markRead(user, r, reply(std::move(responder)));
        });
    m_http.route<EncodedPathRule>(
        u"/api/v1/users/<arg>/unread"_s,
        [this](const QString &user, const Request &r, Responder &&responder) {
            m_inbox.unread(user, r, reply(std::move(responder)));
        });
    m_http.route<EncodedPathRule>(
        u"/api/v1/users/<arg>/notifications"_s,
        [this](const QString &user, const Request &r, Responder &&responder) {
            m_inbox.notifications(user, r, reply(std::move(responder)));
        });
}

// A plain GET (or an upgrade that was not a connection's first request).
void ApiServer::addAdminRoute()
{
    m_http.route(u"/admin"_s, [this](const Request &r) {
        if (auto refusal = m_adminGate.check(r.value("Origin"), r.value("Authorization")))
            return ApiGuard::errorResponse(*refusal);
        return ApiGuard::errorResponse(
            {426, u"upgrade_required"_s,
             u"/admin is a WebSocket endpoint: open it with an Upgrade: websocket request "
             u"as the first request of a connection"_s});
    });
    connect(&m_adminSockets, &QWebSocketServer::newConnection, this, &ApiServer::adoptAdminSockets);
}

void ApiServer::takeUpgrade(ApiSocket *socket, const HttpRequestHead &request)
{
    std::optional<ApiError> refusal
        = m_adminGate.check(request.header("origin"), request.header("authorization"));
    if (!refusal)
        refusal = handshakeRefusal(request);
    if (refusal) {
        if (const LogLimiter::Pass pass = refusalLog.admit()) {
            qCInfo(lcAdmin).noquote()
                << "refused admin upgrade from" << socket->peerAddress().toString()
                << refusal->status << refusal->code << pass.suppressedNote();
        }
        return ApiTcpServer::refuse(socket, HttpAnswer::error(*refusal));
    }
    // From here its QWebSocket decides when it goes (adoptAdminSockets).
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->stripCorsHeaders();
    m_adminHandshakes.append(socket);
    m_adminSockets.handleConnection(socket);
}

// QWebSocket does not own the QTcpSocket it was upgraded from: give each to
// its QWebSocket, found by its peer, so both go together.
void ApiServer::adoptAdminSockets()
{
    m_adminHandshakes.removeAll(nullptr);
    while (m_adminSockets.hasPendingConnections()) {
        std::unique_ptr<QWebSocket> socket(m_adminSockets.nextPendingConnection());
        for (const QPointer<QTcpSocket> &tcp : std::as_const(m_adminHandshakes)) {
            if (tcp->peerPort() == socket->peerPort()
                && tcp->peerAddress() == socket->peerAddress()) {
                connect(socket.get(), &QObject::destroyed, tcp, &QObject::deleteLater);
                m_adminHandshakes.removeOne(tcp);
                break;
            }
        }
        m_admin->adopt(std::move(socket));
    }
}

void ApiServer::requireTls(const TlsContext &tls)
{
    m_tcp->requireTls(tls);
}

bool ApiServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_tcp->start(address, port)) {
        m_errorString = u"API listener %1:%2: %3"_s.arg(address.toString())
                            .arg(port)
                            .arg(m_tcp->errorString());
        return false;
    }
    m_http.bind(m_tcp);
    return true;
}

bool ApiServer::isListening() const
{
    return m_tcp->isListening();
}

quint16 ApiServer::port() const
{
    return m_tcp->serverPort();
}

void ApiServer::stop()
{
    m_tcp->stop();
}

} // namespace Herald
