#include "worker.h"

#include "frames.h"
#include "logging.h"
#include "serverstats.h"
#include "session.h"
#include "sessiondirectory.h"

#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

Worker::Worker(int index, Settings settings, SessionDirectory &directory, ServerStats &stats)
    : m_index(index), m_settings(settings), m_directory(directory), m_stats(stats)
{ }

Worker::~Worker()
{
    for (Session *session : std::as_const(m_sessions))
        m_directory.remove(session->info().id);
}

void Worker::start()
{
    m_server = new QWebSocketServer(u"herald"_s, QWebSocketServer::NonSecureMode, this);
    connect(m_server, &QWebSocketServer::newConnection, this, &Worker::onHandshakeDone);
    // One sweep per thread pings every session: no timer per connection.
    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(m_settings.heartbeatMs);
    connect(m_heartbeat, &QTimer::timeout, this, &Worker::sweepHeartbeats);
    m_heartbeat->start();
}

void Worker::adopt(const PendingConnection &connection)
{
    auto *socket = new QTcpSocket(this);
    if (m_shuttingDown || !socket->setSocketDescriptor(connection.descriptor)) {
        qCWarning(lcWs) << "worker" << m_index << "could not adopt connection from"
                        << connection.remoteAddress;
        socket->abort();
        socket->deleteLater();
        return;
    }
    const QString key = peerKey(connection.remoteAddress, connection.remotePort);
    m_handshaking.insert(key, connection);
    // handleConnection() arms no handshake timeout of its own.
    QTimer::singleShot(m_settings.handshakeTimeoutMs, socket, [this, socket, key] {
        if (m_handshaking.remove(key) && socket->state() != QAbstractSocket::UnconnectedState) {
            qCInfo(lcWs) << "handshake timed out for" << key;
            socket->abort();
        }
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, key] { m_handshaking.remove(key); });
    m_server->handleConnection(socket);
}

void Worker::onHandshakeDone()
{
    while (m_server->hasPendingConnections()) {
        QWebSocket *socket = m_server->nextPendingConnection();
        const QString key = peerKey(socket->peerAddress().toString(), socket->peerPort());
        const auto it = m_handshaking.constFind(key);
        if (it == m_handshaking.cend() || m_shuttingDown) {
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
            socket->deleteLater();
            continue;
        }
        const PendingConnection connection = *it;
        m_handshaking.erase(it);
        openSession(socket, connection);
    }
}

void Worker::openSession(QWebSocket *socket, const PendingConnection &connection)
{
    SessionInfo info {SessionInfo::newId(), connection.user, QDateTime::currentDateTimeUtc(),
                      connection.remoteAddress, connection.userAgent};
    socket->setMaxAllowedIncomingMessageSize(quint64(m_settings.maxIncomingMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_settings.maxIncomingMessageBytes));
    auto *session = new Session(socket, info, this);
    connect(socket, &QWebSocket::disconnected, session, [this, session] { closeSession(session); });
    m_sessions.insert(info.id, session);
    m_sessionsByUser[info.user].append(session);
    m_directory.add(info);
    m_stats.sessionsOpened.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcWs).noquote() << "connect session" << info.id << "user" << info.user << "from"
                           << info.remoteAddress << "worker" << m_index;
    sendTo(session, Frames::welcome(info.id, info.user, m_settings.heartbeatMs));
}

void Worker::closeSession(Session *session)
{
    const SessionInfo &info = session->info();
    if (!m_sessions.remove(info.id))
        return;
    auto byUser = m_sessionsByUser.find(info.user);
    byUser->removeOne(session);
    if (byUser->isEmpty())
        m_sessionsByUser.erase(byUser);
    m_directory.remove(info.id);
    m_stats.sessionsClosed.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcWs).noquote() << "disconnect session" << info.id << "user" << info.user << "code"
                           << int(session->socket()->closeCode()) << "frames"
                           << session->framesSent();
    session->deleteLater();
    if (m_shuttingDown && m_sessions.isEmpty())
        Q_EMIT drained();
}

void Worker::sendTo(Session *session, const QString &frame)
{
    if (session->socket()->bytesToWrite() > m_settings.maxBufferedBytes) {
        terminate(session, QWebSocketProtocol::CloseCodePolicyViolated, u"slow consumer"_s);
        return;
    }
    session->send(frame);
    m_stats.framesSent.fetch_add(1, std::memory_order_relaxed);
}

void Worker::deliver(const QStringList &users, const QString &frame)
{
    for (const QString &user : users) {
        // Copy: sendTo() may close a session and edit the list.
        const QList<Session *> sessions = m_sessionsByUser.value(user);
        for (Session *session : sessions)
            sendTo(session, frame);
    }
}

void Worker::broadcast(const QString &frame)
{
    const QList<Session *> sessions = m_sessions.values();
    for (Session *session : sessions)
        sendTo(session, frame);
}

void Worker::disconnectSession(const QString &sessionId)
{
    if (Session *session = m_sessions.value(sessionId))
        session->socket()->close(QWebSocketProtocol::CloseCode(4003), u"disconnected by server"_s);
}

void Worker::disconnectUser(const QString &user)
{
    const QList<Session *> sessions = m_sessionsByUser.value(user);
    for (Session *session : sessions)
        session->socket()->close(QWebSocketProtocol::CloseCode(4003), u"disconnected by server"_s);
}

void Worker::shutdown()
{
    m_shuttingDown = true;
    m_heartbeat->stop();
    if (m_sessions.isEmpty()) {
        Q_EMIT drained();
        return;
    }
    const QList<Session *> sessions = m_sessions.values();
    for (Session *session : sessions)
        session->socket()->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
}

void Worker::sweepHeartbeats()
{
    const QList<Session *> sessions = m_sessions.values();
    for (Session *session : sessions) {
        if (session->awaitingPong()) {
            m_stats.heartbeatReaps.fetch_add(1, std::memory_order_relaxed);
            qCInfo(lcHeartbeat).noquote() << "reaping session" << session->info().id << "user"
                                          << session->info().user << "(no pong)";
            terminate(session, QWebSocketProtocol::CloseCodeGoingAway, u"heartbeat timeout"_s);
        } else {
            session->ping();
        }
    }
}

// Drops a session now: it leaves presence at once instead of after a close
// handshake the peer may never answer.
void Worker::terminate(Session *session, int code, const QString &reason)
{
    QWebSocket *socket = session->socket();
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    closeSession(session);
    socket->abort();
}

QString Worker::peerKey(const QString &address, quint16 port)
{
    return address + u'|' + QString::number(port);
}

} // namespace Herald
