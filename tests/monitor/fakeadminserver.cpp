#include "fakeadminserver.h"

#include "admin/admincommandresult.h"
#include "admin/admineventbatch.h"
#include "admin/adminhello.h"
#include "admin/adminkeys.h"
#include "admin/adminsnapshotbatch.h"

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
    send(AdminHello{u"herald-server"_s, u"9.9"_s, u"7"_s, 30, u"memory"_s}.toJson());
}

void FakeAdminServer::sendSnapshot(const QList<AdminSessionRecord> &sessions, int batchSize)
{
    qsizetype first = 0;
    do {
        const QList<AdminSessionRecord> batch = sessions.mid(first, batchSize);
        first += batchSize;
        send(AdminSnapshotBatch{batch, sessions.size(), first >= sessions.size()}.toJson());
    } while (first < sessions.size());
}

void FakeAdminServer::sendEvents(const QList<AdminEvent> &events)
{
    send(AdminEventBatch{events}.toJson());
}

void FakeAdminServer::sendCounters(const QJsonArray &entries)
{
    QJsonObject frame;
    frame.insert(AdminKey::Type, AdminType::SessionCounters);
    frame.insert(AdminKey::Sessions, entries);
    send(frame);
}

void FakeAdminServer::answer(const QJsonObject &command, const QJsonObject &result)
{
    AdminCommandResult answer = AdminCommandResult::success(result);
    answer.id = command.value(AdminKey::Id);
    send(answer.toJson());
}

void FakeAdminServer::dropClient()
{
    if (m_client)
        m_client->abort();
}

} // namespace Herald::Test
