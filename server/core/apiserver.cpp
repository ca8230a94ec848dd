#include "apiserver.h"

#include "apitcpserver.h"
#include "admin/adminhub.h"
#include "admin/adminrule.h"

#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

using Request = QHttpServerRequest;
using Responder = QHttpServerResponder;

ApiServer::ApiServer(const ServerConfig &config, ApiService &service, InboxApi &inbox,
                     AdminHub *admin, QObject *parent)
    : QObject(parent),
      m_service(service),
      m_inbox(inbox),
      m_admin(admin),
      // The guard lets a request's head and some slack through beyond the body
      // limit, so ApiService can answer a merely-too-large body itself.
      m_tcp(new ApiTcpServer(config.apiIdleTimeoutMs, config.maxBodyBytes() + 64 * 1024, this))
{
    addRoutes(config.legacyRoutes);
    addInboxRoutes();
    if (m_admin)
        addAdminRoute(config.adminToken);
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
    m_http.route(u"/api/v1/users/<arg>/sessions"_s, [this](const QString &user, const Request &r) {
        return m_service.userSessions(user, r);
    });
    m_http.route(u"/api/v1/sessions"_s, [this](const Request &r) { return m_service.sessions(r); });
    m_http.route(u"/api/v1/sessions/<arg>"_s, [this](const QString &id, const Request &r) {
        return m_service.session(id, r);
    });
    m_http.route(u"/api/v1/stats"_s, [this](const Request &r) { return m_service.stats(r); });
    if (legacyRoutes) {
        m_http.route(u"/new/<arg>"_s,
                     [this](const QString &user, const Request &r, Responder &&responder) {
                         m_service.legacyNew(user, r, reply(std::move(responder)));
                     });
    }
    m_http.setMissingHandler([this](const Request &r, Responder &&responder) {
        // /admin with a missing or wrong token falls through to here (AdminRule).
        if (m_admin && r.url().path() == u"/admin"_s) {
            return ApiGuard::errorResponse({401, u"unauthorized"_s,
                                            u"Missing or wrong admin token"_s})
                    .write(std::move(responder));
        }
        m_service.notFound(r).write(std::move(responder));
    });
}

void ApiServer::addInboxRoutes()
{
    m_http.route(u"/api/v1/users/<arg>/read"_s,
                 [this](const QString &user, const Request &r, Responder &&responder) {
                     m_inbox.markRead(user, r, reply(std::move(responder)));
                 });
    m_http.route(u"/api/v1/users/<arg>/unread"_s,
                 [this](const QString &user, const Request &r, Responder &&responder) {
                     m_inbox.unread(user, r, reply(std::move(responder)));
                 });
    m_http.route(u"/api/v1/users/<arg>/notifications"_s,
                 [this](const QString &user, const Request &r, Responder &&responder) {
                     m_inbox.notifications(user, r, reply(std::move(responder)));
                 });
}

void ApiServer::addAdminRoute(const QByteArray &token)
{
    // The handler also runs for the upgrade request itself: it must write
    // nothing then, or the bytes would go out before the 101.
    m_http.route<AdminRule>(u"/admin"_s, token, [this](const Request &r, Responder &&responder) {
        if (AdminRule::isUpgrade(r)) {
            m_tcp->release(m_tcp->currentSocket());
            return;
        }
        ApiGuard::errorResponse({426, u"upgrade_required"_s,
                                 u"/admin is a WebSocket endpoint; send Upgrade: websocket"_s})
                .write(std::move(responder));
    });
    connect(&m_http, &QHttpServer::newWebSocketConnection, this, [this] {
        while (m_http.hasPendingWebSocketConnections())
            m_admin->adopt(m_http.nextPendingWebSocketConnection());
    });
}

bool ApiServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_tcp->listen(address, port)) {
        m_errorString = u"API listener %1:%2: %3"_s.arg(address.toString()).arg(port).arg(
                m_tcp->errorString());
        return false;
    }
    m_http.bind(m_tcp);
    return true;
}

quint16 ApiServer::port() const
{
    return m_tcp->serverPort();
}

void ApiServer::stop()
{
    m_tcp->close();
}

} // namespace Herald
