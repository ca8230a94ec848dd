#pragma once

#include "apireply.h"
#include "apiservice.h"
#include "inboxapi.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>

namespace Herald {

class AdminHub;
class ApiTcpServer;

// The push API listener: QHttpServer on its own guarded QTcpServer, in the
// main thread. Routes are one-liners into ApiService and InboxApi.
class ApiServer : public QObject
{
    Q_OBJECT

public:
    // \a admin: the admin channel's hub, or null when it is off.
    ApiServer(const ServerConfig &config, ApiService &service, InboxApi &inbox, AdminHub *admin,
              QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const { return m_errorString; }
    void stop();

private:
    void addRoutes(bool legacyRoutes);
    void addInboxRoutes();
    void addAdminRoute(const QByteArray &token);
    // For routes answered later (after the store commits).
    Reply reply(QHttpServerResponder &&responder) const;

    ApiService &m_service;
    InboxApi &m_inbox;
    AdminHub *m_admin;
    QHttpServer m_http;
    ApiTcpServer *m_tcp;
    QString m_errorString;
};

} // namespace Herald
