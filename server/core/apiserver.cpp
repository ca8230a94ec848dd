#include "apiserver.h"

#include "apitcpserver.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

using Request = QHttpServerRequest;
using Responder = QHttpServerResponder;

ApiServer::ApiServer(const ServerConfig &config, ApiService &service, InboxApi &inbox,
                     QObject *parent)
    : QObject(parent),
      m_service(service),
      m_inbox(inbox),
      // The guard lets a request's head and some slack through beyond the body
      // limit, so ApiService can answer a merely-too-large body itself.
      m_tcp(new ApiTcpServer(config.apiIdleTimeoutMs, config.maxBodyBytes() + 64 * 1024, this))
{
    addRoutes(config.legacyRoutes);
    addInboxRoutes();
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
