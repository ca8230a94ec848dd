#include "fakeadminserver.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

FakeAdminServer::FakeAdminServer(QObject *parent)
    : QObject(parent), m_server(u"fake-admin"_s, QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &FakeAdminServer::onNewConnection);
}

bool FakeAdminServer::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

QUrl FakeAdminServer::apiUrl() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()));
}

void FakeAdminServer::stop()
{
    m_server.close();
    dropClient();
}

void FakeAdminServer::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        if (m_client)
            m_client->deleteLater();
        m_client = socket;
        ++m_connections;
        connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject command = QJsonDocument::fromJson(text.toUtf8()).object();
            m_commands.append(command);
            Q_EMIT commandReceived(command);
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            if (m_client == socket)
                m_client = nullptr;
            socket->deleteLater();
        });
        Q_EMIT clientConnected();
    }
}

void FakeAdminServer::send(const QJsonObject &frame)
{
    sendText(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

void FakeAdminServer::sendText(const QString &text)
{
    if (m_client)
        m_client->sendTextMessage(text);
}

void FakeAdminServer::sendHello()
{
    send({{u"type"_s, u"hello"_s},
          {u"server"_s, u"herald-server"_s},
          {u"version"_s, u"9.9"_s},
          {u"epoch"_s, 7},
          {u"heartbeat_s"_s, 30},
          {u"store"_s, u"memory"_s}});
}

void FakeAdminServer::sendSnapshot(const QList<SessionRecord> &sessions, int batchSize)
{
    qsizetype first = 0;
    do {
        QJsonArray batch;
        for (const SessionRecord &session : sessions.mid(first, batchSize))
            batch.append(session.toJson());
        first += batchSize;
        send({{u"type"_s, u"snapshot"_s},
              {u"sessions"_s, batch},
              {u"total"_s, int(sessions.size())},
              {u"done"_s, first >= sessions.size()}});
    } while (first < sessions.size());
}

void FakeAdminServer::sendEvents(const QList<QJsonObject> &events)
{
    QJsonArray array;
    for (const QJsonObject &event : events)
        array.append(event);
    send({{u"type"_s, u"events"_s}, {u"events"_s, array}});
}

void FakeAdminServer::sendCounters(const QJsonArray &entries)
{
    send({{u"type"_s, u"session_counters"_s}, {u"sessions"_s, entries}});
}

void FakeAdminServer::answer(const QJsonObject &command, const QJsonObject &result)
{
    send({{u"type"_s, u"result"_s},
          {u"id"_s, command.value(u"id"_s)},
          {u"ok"_s, true},
          {u"result"_s, result}});
}

void FakeAdminServer::dropClient()
{
    if (m_client)
        m_client->abort();
}

} // namespace Herald::Test
