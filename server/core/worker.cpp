#include "worker.h"

#include "clientframe.h"
#include "frames.h"
#include "store/notificationstore.h"
#include "logging.h"
#include "serverstats.h"
#include "session.h"
#include "sessiondirectory.h"
#include "store/storeservice.h"
#include "admin/adminfeed.h"

#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

Worker::Worker(int index, Settings settings, SessionDirectory &directory, ServerStats &stats,
               StoreService &store, AdminFeed &feed)
    : m_index(index),
      m_settings(settings),
      m_directory(directory),
      m_stats(stats),
      m_store(store),
      m_feed(feed)
{ }

Worker::~Worker()
{
    // Sessions go first, silently: their sockets must not report a disconnect
    // to this half-destroyed worker (the raw sockets are children of it).
    const QList<Session *> sessions = m_sessions.values();
    m_sessions.clear();
    m_sessionsByUser.clear();
    for (Session *session : sessions) {
        m_directory.remove(session->info().id);
        session->socket()->disconnect();
        delete session;
    }
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
    SessionInfo info{SessionInfo::newId(), connection.user, QDateTime::currentDateTimeUtc(),
                     connection.remoteAddress, connection.userAgent,
                     std::make_shared<SessionLiveCounters>()};
    socket->setMaxAllowedIncomingMessageSize(quint64(m_settings.maxIncomingMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_settings.maxIncomingMessageBytes));
    auto *session = new Session(socket, info, m_settings.clientFramesPerSecond, this);
    connect(socket, &QWebSocket::disconnected, session, [this, session] { closeSession(session); });
    connect(socket, &QWebSocket::textMessageReceived, session,
            [this, session](const QString &text) { onClientFrame(session, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, session, [this, session] {
        if (session->admitClientFrame())
            sendTo(session, 0, Frames::error(u"binary_not_supported"_s, u"Send JSON text frames"_s));
    });
    // Registered at once, so pushes from now on reach it (held until it is live).
    m_sessions.insert(info.id, session);
    m_sessionsByUser[info.user].append(session);
    m_directory.add(info);
    m_feed.sessionOpened(info);
    m_stats.sessionsOpened.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcWs).noquote() << "connect session" << info.id << "user" << info.user << "from"
                           << info.remoteAddress << "worker" << m_index
                           << (connection.resume ? "resuming" : "");
    m_store.openSession(info.user, connection.resume, this,
                        [this, id = info.id](const SessionStart &start) { startSession(id, start); });
}

// Welcome, then what a resuming client missed, then whatever arrived live
// meanwhile: in seq order, each notification once.
void Worker::startSession(const QString &sessionId, const SessionStart &start)
{
    Session *session = m_sessions.value(sessionId);
    if (!session)
        return;
    const SessionInfo &info = session->info();
    session->sendNow(Frames::welcome(info.id, info.user, m_settings.heartbeatMs, start.position));
    if (start.resumeRequested) {
        for (const StoredNotification &notification : start.replay)
            session->sendNow(notification.toFrame(), notification.seq);
        session->sendNow(Frames::resumed(start.resumeOk, start.position.seq, start.position.epoch));
    }
    m_stats.framesSent.fetch_add(quint64(start.replay.size()) + (start.resumeRequested ? 2 : 1),
                                 std::memory_order_relaxed);
    session->goLive(start.position.seq);
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
    m_feed.sessionClosed(info, int(session->socket()->closeCode()), session->socket()->closeReason());
    m_stats.sessionsClosed.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcWs).noquote() << "disconnect session" << info.id << "user" << info.user << "code"
                           << int(session->socket()->closeCode()) << "frames"
                           << session->framesSent();
    session->deleteLater();
    if (m_shuttingDown && m_sessions.isEmpty())
        Q_EMIT drained();
}

void Worker::sendTo(Session *session, qint64 seq, const QString &frame)
{
    if (session->bufferedBytes() > m_settings.maxBufferedBytes) {
        terminate(session, QWebSocketProtocol::CloseCodePolicyViolated, u"slow consumer"_s);
        return;
    }
    session->deliver(seq, frame);
    m_stats.framesSent.fetch_add(1, std::memory_order_relaxed);
    m_stats.bytesSent.fetch_add(quint64(frame.size()), std::memory_order_relaxed);
}

void Worker::deliverStored(const QList<std::pair<QString, qint64>> &targets, const QString &frame)
{
    for (const auto &[user, seq] : targets) {
        const auto it = m_sessionsByUser.constFind(user);
        if (it == m_sessionsByUser.cend())
            continue;
        const QString userFrame = Frames::withSeq(frame, seq);
        // Copy: sendTo() may close a session and edit the list.
        const QList<Session *> sessions = *it;
        for (Session *session : sessions)
            sendTo(session, seq, userFrame);
    }
}

void Worker::deliver(const QStringList &users, const QString &frame)
{
    for (const QString &user : users) {
        const QList<Session *> sessions = m_sessionsByUser.value(user);
        for (Session *session : sessions)
            sendTo(session, 0, frame);
    }
}

void Worker::broadcast(const QString &frame)
{
    const QList<Session *> sessions = m_sessions.values();
    for (Session *session : sessions)
        sendTo(session, 0, frame);
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

void Worker::onClientFrame(Session *session, const QString &text)
{
    m_stats.clientFrames.fetch_add(1, std::memory_order_relaxed);
    if (!session->admitClientFrame()) {
        qCInfo(lcWs).noquote() << "closing flooding session" << session->info().id;
        terminate(session, QWebSocketProtocol::CloseCodePolicyViolated, u"too many messages"_s);
        return;
    }
    const ClientFrame::Result frame = ClientFrame::parse(text);
    if (const auto *error = std::get_if<ClientFrame::Error>(&frame)) {
        sendTo(session, 0, Frames::error(error->code, error->message));
        return;
    }
    handleClientFrame(session, std::get<ClientFrame>(frame));
}

void Worker::handleClientFrame(Session *session, const ClientFrame &frame)
{
    if (frame.type == ClientFrame::Type::Ping) {
        sendTo(session, 0, Frames::pong());
        return;
    }
    // The store answers every session of the user with an unread frame.
    m_store.markRead(session->info().user, frame.upTo, this,
                     [](const UserState &, const QString &, const QString &) {});
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
