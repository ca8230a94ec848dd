#pragma once

#include "wsclient.h"

#include <QString>
#include <QUrl>

namespace Herald::Test {

class ApiClient;

// A well-behaved session that lives through an attack: it reads everything,
// answers pings (QWebSocket does), and must keep getting its pushes.
class Bystander
{
public:
    explicit Bystander(QString user = QStringLiteral("bystander")) : m_user(std::move(user)) { }

    const QString &user() const { return m_user; }
    bool connect(const QUrl &wsUrl) { return m_client.connectAndWelcome(wsUrl, 10000); }
    // Pushes a live-only notification marked \a marker and waits for it;
    // false when it does not arrive within \a timeoutMs.
    bool receivesPush(ApiClient &api, const QString &marker, int timeoutMs = 10000);
    WsClient &client() { return m_client; }

private:
    QString m_user;
    WsClient m_client;
};

} // namespace Herald::Test
