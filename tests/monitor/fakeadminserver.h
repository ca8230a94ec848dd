#pragma once

#include "admin/adminevent.h"
#include "admin/adminsessionrecord.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

namespace Herald::Test {

// A scripted stand-in for herald-server's /admin channel, for protocol corner
// cases the real server cannot be made to produce on demand (overflow, frames
// split mid-snapshot, garbage, silence). Accepts any path and any token.
class FakeAdminServer : public QObject
{
    Q_OBJECT

public:
    explicit FakeAdminServer(QObject *parent = nullptr);

    bool listen(quint16 port = 0);
    QUrl apiUrl() const;
    quint16 port() const { return m_server.serverPort(); }
    void stop(); // closes the listener and any client

    bool hasClient() const { return m_client != nullptr; }
    int connections() const { return m_connections; }
    const QList<QJsonObject> &commands() const { return m_commands; }

    void send(const QJsonObject &frame);
    void sendText(const QString &text);
    void sendHello();
    // The snapshot in batches of batchSize, done:true on the last (also when empty).
    void sendSnapshot(const QList<AdminSessionRecord> &sessions, int batchSize = 1000);
    void sendEvents(const QList<AdminEvent> &events);
    // {"type":"session_counters","sessions":[…]}: entries as given, garbage included.
    void sendCounters(const QJsonArray &entries);
    void answer(const QJsonObject &command, const QJsonObject &result);
    void dropClient(); // abort: no close frame

Q_SIGNALS:
    void clientConnected();
    void commandReceived(const QJsonObject &command);

private:
    void onNewConnection();

    QWebSocketServer m_server;
    QWebSocket *m_client = nullptr;
    int m_connections = 0;
    QList<QJsonObject> m_commands;
};

} // namespace Herald::Test
