#include "ws/worker.h"

#include "admin/adminfeed.h"
#include "clientframe.h"
#include "frames.h"
#include "logging.h"
#include "logtext.h"
#include "serverstats.h"
#include "store/notificationstore.h"
#include "store/storeservice.h"
#include "ws/clientsocket.h"
#include "ws/replay.h"
#include "ws/session.h"
#include "ws/sessiondirectory.h"
#include "ws/sessionslots.h"
#include "ws/tlsclientsocket.h"
#include "ws/unreadcoalescer.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <cmath>
#include <unistd.h>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr qint64 ReplayLowWaterBytes = 64 * 1024;
// A far expiry is waited for in steps: a QTimer counts in int milliseconds.
constexpr qint64 MaxExpiryWaitMs = 3600 * 1000;
constexpr int DrainTickMs = 50;
constexpr int ServiceRestart = 1012; // RFC 6455 7.4.1: clients come back later

QString escaped(const QString &value)
{
    return LogText::escaped(value);
}

} // namespace

Worker::Worker(int index, Settings settings, SessionDirectory &directory, ServerStats &stats,
               StoreService &store, AdminFeed &feed, SessionSlots &slots)
    : m_index(index),
      m_settings(settings),
      m_directory(directory),
      m_stats(stats),
      m_store(store),
      m_feed(feed),
      m_slots(slots)
{ }

Worker::~Worker()
{
    // Sessions go first, silently: their sockets must not report a disconnect
    // to this half-destroyed worker.
    QList<Session *> sessions = m_sessions.values();
    sessions += m_lingering.keys();
    m_sessions.clear();
    m_sessionsByUser.clear();
    m_lingering.clear();
    for (Session *session : std::as_const(sessions)) {
        m_directory.remove(session->info().id);
        session->socket()->disconnect();
        delete session;
    }
}

void Worker::start()
{
    m_server = new QWebSocketServer(u"herald"_s, QWebSocketServer::NonSecureMode, this);
    connect(m_server, &QWebSocketServer::newConnection, this, &Worker::onHandshakeDone);
    // One timer per thread pings every session, a slice at a time: no timer per connection.
    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(m_settings.heartbeatMs / heartbeatSlices());
    connect(m_heartbeat, &QTimer::timeout, this, &Worker::sweepHeartbeats);
    m_heartbeat->start();
    m_maintenance = new QTimer(this);
    m_maintenance->setInterval(maintenanceIntervalMs());
    connect(m_maintenance, &QTimer::timeout, this, &Worker::maintain);
    m_expiry = new QTimer(this);
    m_expiry->setSingleShot(true);
    m_expiry->setTimerType(Qt::PreciseTimer); // a coarse one may be 5% late: minutes on a day
    connect(m_expiry, &QTimer::timeout, this, &Worker::closeExpired);
    m_unread = new UnreadCoalescer(
        m_settings.unreadCoalesceMs, m_stats,
        [this](Session *session, const QString &frame) { sendTo(session, 0, frame); }, this);
}

void Worker::reconfigure(const Settings &settings)
{
    const Settings old = std::exchange(m_settings, settings);
    if (settings.heartbeatMs != old.heartbeatMs) // restarts it, unless drained
        m_heartbeat->setInterval(settings.heartbeatMs / heartbeatSlices());
    if (m_maintenance->interval() != maintenanceIntervalMs())
        m_maintenance->setInterval(maintenanceIntervalMs());
    if (settings.unreadCoalesceMs != old.unreadCoalesceMs)
        m_unread->setInterval(settings.unreadCoalesceMs);
    if (old.enforceTokenExpiry && !settings.enforceTokenExpiry) {
        m_expiries = ExpirySchedule();
        m_expiry->stop();
    }
    qCDebug(lcWs) << "worker" << m_index << "reconfigured";
}

int Worker::maintenanceIntervalMs() const
{
    return std::clamp(std::min(m_settings.handshakeTimeoutMs, m_settings.closeGraceMs) / 4, 50,
                      1000);
}

void Worker::adopt(const PendingConnection &connection)
{
    auto *socket = new ClientSocket(m_settings.maxIncomingMessageBytes, this);
    socket->holdSlot(m_slots);
    if (m_shuttingDown
        || !socket->adopt(connection.descriptor, connection.received, connection.headLength)) {
        qCWarning(lcWs).noquote() << "worker" << m_index << "could not adopt connection from"
                                  << escaped(connection.remoteAddress);
        ::close(int(connection.descriptor));
        delete socket;
        return;
    }
    beginHandshake(socket, socket, connection);
}

void Worker::adoptEncrypted(TlsClientSocket *socket, const PendingConnection &connection)
{
    socket->setParent(this);
    if (m_shuttingDown || socket->state() != QAbstractSocket::ConnectedState) {
        qCInfo(lcWs).noquote() << "worker" << m_index << "dropped TLS connection from"
                               << escaped(connection.remoteAddress)
                               << (m_shuttingDown ? "(shutting down)" : "(it closed)");
        delete socket;
        return;
    }
    beginHandshake(socket, socket, connection);
}

void Worker::beginHandshake(QTcpSocket *socket, ClientConnection *client,
                            const PendingConnection &connection)
{
    const QString key = peerKey(connection.peerAddress, connection.peerPort);
    const QMetaObject::Connection closeWatch
        = connect(socket, &QTcpSocket::disconnected, this, [this, key, socket] {
              const auto it = m_handshaking.constFind(key);
              if (it != m_handshaking.cend() && it->socket == socket)
                  m_handshaking.erase(it);
          });
    m_handshaking.insert(
        key,
        {connection, QDeadlineTimer(m_settings.handshakeTimeoutMs), socket, client, closeWatch});
    keepMaintaining();
    m_server->handleConnection(socket);
}

void Worker::onHandshakeDone()
{
    while (m_server->hasPendingConnections()) {
        QWebSocket *socket = m_server->nextPendingConnection();
        const QString key = peerKey(socket->peerAddress().toString(), socket->peerPort());
        const auto it = m_handshaking.constFind(key);
        if (it == m_handshaking.cend() || !it->socket || m_shuttingDown) {
            socket->close(QWebSocketProtocol::CloseCode(ServiceRestart), u"service restart"_s);
            socket->deleteLater();
            continue;
        }
        const Handshake handshake = *it;
        m_handshaking.erase(it);
        disconnect(handshake.closeWatch); // the session watches from now on
        // QWebSocketServer keeps every upgraded socket's disconnected() connected to a slot
        // that looks its sender up among all of them: with N sessions each close cost O(N)
        // (52 % of the server's CPU when 10,000 sessions left). The session owns the
        // socket and deletes it anyway.
        if (handshake.socket)
            disconnect(handshake.socket, &QAbstractSocket::disconnected, m_server, nullptr);
        openSession(socket, handshake);
    }
}

void Worker::openSession(QWebSocket *socket, const Handshake &handshake)
{
    const PendingConnection &connection = handshake.connection;
    SessionInfo info{
        SessionInfo::newId(),     connection.user,      QDateTime::currentDateTimeUtc(),
        connection.remoteAddress, connection.userAgent, std::make_shared<SessionLiveCounters>()};
    socket->setMaxAllowedIncomingMessageSize(quint64(m_settings.maxIncomingMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_settings.maxIncomingMessageBytes));
    auto *session
        = new Session(socket, handshake.client, info,
                      {m_settings.maxSessionBufferBytes, m_settings.clientFramesPerSecond}, this);
    session->raw()->lingerOnClose();
    session->setToken(connection.tokenKey, connection.tokenExpiresAtMs);
    connect(socket, &QWebSocket::disconnected, session, [this, session] { closeSession(session); });
    if (m_sessionsByUser.value(info.user).size() >= m_settings.maxSessionsPerUser) {
        m_stats.userSessionRefusals.fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine())
            qCInfo(lcWs).noquote() << "refusing session of user" << escaped(info.user)
                                   << "(too many sessions)" << pass.suppressedNote();
        return terminate(session, 4008, u"too many sessions"_s, Linger::Grace);
    }
    if (overTokenLimit(session)) {
        m_stats.tokenSessionRefusals.fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine())
            qCInfo(lcWs).noquote() << "refusing session of user" << escaped(info.user)
                                   << "(too many sessions for token" << escaped(session->tokenKey())
                                   << ")" << pass.suppressedNote();
        return terminate(session, 4008, u"too many sessions for this token"_s, Linger::Grace);
    }
    watch(session);
    scheduleExpiry(session);
    // Registered at once, so pushes from now on reach it (held until it is live).
    m_sessions.insert(info.id, session);
    m_sessionsByUser[info.user].append(session);
    m_directory.add(info);
    m_feed.sessionOpened(info);
    m_stats.sessionsOpened.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcWs).noquote() << "connect session" << info.id << "user" << escaped(info.user) << "from"
                           << escaped(info.remoteAddress) << "worker" << m_index
                           << (connection.resume ? "resuming" : "");
    // Frames that came with the request head count too.
    session->raw()->settle();
    onFramesScanned(session);
    if (session->isClosing())
        return;
    session->markOpenInStore();
    m_store.openSession(info.user, std::nullopt, this,
                        [this, id = info.id, resume = connection.resume](
                            const SessionStart &start) { startSession(id, start, resume); });
}

// What the session's sockets report: frames before QtWebSockets reads them,
// and the end of each reading round (its pongs are queued then).
void Worker::watch(Session *session)
{
    QWebSocket *socket = session->socket();
    connect(socket, &QWebSocket::textMessageReceived, session,
            [this, session](const QString &text) { onClientFrame(session, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, session, [this, session] {
        sendTo(session, 0, Frames::error(u"binary_not_supported"_s, u"Send JSON text frames"_s));
    });
    session->raw()->onScanned([this, session] { onFramesScanned(session); });
    connect(&session->raw()->tcp(), &QIODevice::readyRead, session,
            [this, session] { afterRead(session); });
}

// Welcome, then what a resuming client missed, then whatever arrived live
// meanwhile: in seq order, each notification once.
void Worker::startSession(const QString &sessionId, const SessionStart &start,
                          const std::optional<ResumePoint> &resume)
{
    Session *session = m_sessions.value(sessionId);
    if (!session)
        return;
    const SessionInfo &info = session->info();
    if (start.storeUnavailable)
        return cut(session, 1013, u"store unavailable: try again"_s,
                   m_stats.storeUnavailableCloses);
    const Frames::StreamPosition &position = start.position;
    m_cursors.noteStream(info.user, position.seq, position.readUpTo);
    session->setSentUnread(Frames::unread(position.unread, position.readUpTo));
    if (!sendNow(session, Frames::welcome(info.id, info.user, m_settings.heartbeatMs, position)))
        return;
    if (!resume)
        return goLive(session, position.seq);
    const bool sameEpoch = resume->epoch == position.epoch;
    if (!sameEpoch || resume->since >= position.seq)
        return finishResume(session, sameEpoch && resume->since == position.seq, position.seq);
    session->setReplay(
        std::make_unique<Replay>(resume->since, position.seq, m_settings.replayPageSize),
        connect(session->socket(), &QWebSocket::bytesWritten, session,
                [this, session] { pumpReplay(session); }));
    pumpReplay(session);
}

// Sends the replay while the socket's queue is below the low-water mark;
// bytesWritten calls again as it drains.
void Worker::pumpReplay(Session *session)
{
    Replay *replay = session->replay();
    if (!replay || session->isClosing())
        return;
    const qint64 lowWater = std::min(ReplayLowWaterBytes, session->budget() / 4);
    while (replay->hasFrame() && session->socket()->bytesToWrite() < lowWater) {
        const StoredNotification notification = replay->takeFrame();
        if (!sendNow(session, notification.toFrame(), notification.seq))
            return;
    }
    if (replay->finished())
        return finishResume(session, true, replay->target());
    if (replay->wantsPage() && session->socket()->bytesToWrite() < lowWater)
        fetchReplayPage(session);
}

void Worker::fetchReplayPage(Session *session)
{
    m_store.history(session->info().user, session->replay()->nextPage(), this,
                    [this, id = session->info().id](const QList<StoredNotification> &page,
                                                    const QString &, const QString &error) {
                        Session *session = m_sessions.value(id);
                        if (!session || !session->replay())
                            return;
                        if (!error.isEmpty()) {
                            return cut(session, 1013, u"store unavailable: try again"_s,
                                       m_stats.storeUnavailableCloses);
                        }
                        if (!session->replay()->accept(page))
                            return finishResume(session, false, session->replay()->target());
                        pumpReplay(session);
                    });
}

void Worker::finishResume(Session *session, bool ok, qint64 seq)
{
    session->setReplay(nullptr);
    if (sendNow(session, Frames::resumed(ok, seq, m_store.epoch())))
        goLive(session, seq);
}

void Worker::goLive(Session *session, qint64 seq)
{
    if (!session->goLive(seq))
        cutSlowConsumer(session);
}

// For frames the session must get now (welcome, replay, resumed).
bool Worker::sendNow(Session *session, const QString &frame, qint64 seq)
{
    const bool fits = session->sendNow(frame, seq);
    m_stats.framesSent.fetch_add(1, std::memory_order_relaxed);
    m_stats.bytesSent.fetch_add(quint64(Frames::utf8Length(frame)), std::memory_order_relaxed);
    if (!fits)
        cutSlowConsumer(session);
    return fits;
}

void Worker::sendTo(Session *session, qint64 seq, const QString &frame)
{
    if (session->isClosing())
        return;
    if (m_settings.closeOnSeqGap && seq > 0 && session->isLive() && seq > session->lastSeq() + 1) {
        // A notification between the two never came (the broker dropped this node's
        // subscription): the client resumes and gets it from the store.
        return cut(session, 1013, u"missed notifications: resume"_s, m_stats.seqGapCloses);
    }
    const bool fits = session->deliver(seq, frame);
    m_stats.framesSent.fetch_add(1, std::memory_order_relaxed);
    m_stats.bytesSent.fetch_add(quint64(Frames::utf8Length(frame)), std::memory_order_relaxed);
    if (!fits)
        cutSlowConsumer(session);
}

void Worker::deliverStored(const QList<std::pair<QString, qint64>> &targets, const QString &frame)
{
    for (const auto &[user, seq] : targets) {
        const auto it = m_sessionsByUser.constFind(user);
        if (it == m_sessionsByUser.cend())
            continue;
        m_cursors.noteSeq(user, seq);
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

void Worker::deliverUnread(const QString &user, qint64 unread, qint64 readUpTo)
{
    m_cursors.noteReadUpTo(user, readUpTo);
    const QList<Session *> sessions = m_sessionsByUser.value(user);
    if (sessions.isEmpty())
        return;
    const QString frame = Frames::unread(unread, readUpTo); // once for all of them
    for (Session *session : sessions)
        m_unread->offer(session, frame);
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

void Worker::closeBehind(const QHash<QString, qint64> &seqs)
{
    for (auto it = seqs.cbegin(); it != seqs.cend(); ++it) {
        const QList<Session *> sessions = m_sessionsByUser.value(it.key());
        for (Session *session : sessions) {
            if (session->isLive() && !session->isClosing() && session->lastSeq() < it.value())
                cut(session, 1013, u"missed notifications: resume"_s, m_stats.seqGapCloses);
        }
    }
}

void Worker::shutdown(int drainMs)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_heartbeat->stop();
    m_expiry->stop();
    m_drainEnd = QDeadlineTimer(drainMs, Qt::PreciseTimer);
    m_sinceSlice.start();
    m_drainTimer = new QTimer(this);
    m_drainTimer->setInterval(DrainTickMs);
    connect(m_drainTimer, &QTimer::timeout, this, &Worker::drainSlice);
    drainSlice();
    if (!m_sessions.isEmpty())
        m_drainTimer->start();
    reportIfDrained();
}

void Worker::hurry()
{
    if (!m_shuttingDown)
        return;
    m_drainEnd = QDeadlineTimer(0);
    drainSlice();
}

// Closes open * elapsed / (time left + elapsed) sessions, fractions carried
// over: an even pace to the end of the drain, whatever the count, that
// catches up when a tick comes late; once the drain time is over, the rest.
// Each close is a terminate(): out of presence now, its socket gone once the
// close frame is out or the close grace is over.
void Worker::drainSlice()
{
    const qint64 left = m_drainEnd.remainingTime();
    const qint64 elapsed = m_sinceSlice.restart();
    qsizetype count = m_sessions.size();
    if (left > 0) {
        m_drainShare += double(count) * double(elapsed) / double(left + elapsed);
        count = std::min(count, qsizetype(m_drainShare));
        m_drainShare -= double(count);
    }
    QList<Session *> slice;
    slice.reserve(count);
    for (auto it = m_sessions.cbegin(); slice.size() < count; ++it)
        slice.append(it.value());
    for (Session *session : std::as_const(slice))
        terminate(session, ServiceRestart, u"service restart"_s, Linger::Grace);
    if (m_sessions.isEmpty())
        m_drainTimer->stop();
}

// drained(), once: no session open and no close frame still waiting to go out.
void Worker::reportIfDrained()
{
    if (!m_shuttingDown || m_drainReported || !m_sessions.isEmpty() || !m_lingering.isEmpty())
        return;
    m_drainReported = true;
    Q_EMIT drained();
}

// Runs before QtWebSockets handles the frames: every frame counts against
// the rate, and an unmasked one fails the connection (RFC 6455 5.1).
void Worker::onFramesScanned(Session *session)
{
    if (session->isClosing())
        return;
    const int frames = session->raw()->takeFrames();
    m_stats.clientFrames.fetch_add(quint64(frames), std::memory_order_relaxed);
    if (session->raw()->sawUnmaskedFrame())
        return cut(session, QWebSocketProtocol::CloseCodeProtocolError, u"unmasked frame"_s,
                   m_stats.protocolErrorCloses);
    if (!session->admitClientFrames(frames))
        cut(session, QWebSocketProtocol::CloseCodePolicyViolated, u"too many messages"_s,
            m_stats.rateLimitCloses);
}

// After QtWebSockets has read a round: the pongs it answered are queued now.
void Worker::afterRead(Session *session)
{
    if (session->isClosing())
        return;
    session->raw()->settle();
    if (session->overBudget())
        cutSlowConsumer(session);
}

void Worker::onClientFrame(Session *session, const QString &text)
{
    if (session->isClosing())
        return;
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
    // A read that cannot move the cursor changes nothing and tells no one.
    if (!m_cursors.wouldMove(session->info().user, frame.upTo))
        return;
    // The store answers every session of the user with an unread frame; a
    // failure is told to the session that asked, if it is still open.
    m_store.markRead(
        session->info().user, frame.upTo, this,
        [this, id = session->info().id](const UserState &, const QString &, const QString &error) {
            if (error.isEmpty())
                return;
            qCWarning(lcWs).noquote() << "read of session" << id << "failed:" << error;
            if (Session *asker = m_sessions.value(id))
                sendTo(asker, 0,
                       Frames::error(u"store_unavailable"_s, u"The read could not be stored"_s));
        });
}

// Every session is checked once per heartbeat, but the sessions are spread over slices
// of about a second: pinging all of them at once made a burst of pings, and of pongs,
// that held up the pushes behind it (p99 760 ms at 100 pushes/s with 19,000 sessions).
int Worker::heartbeatSlices() const
{
    return std::clamp(m_settings.heartbeatMs / 1000, 1, MaxHeartbeatSlices);
}

void Worker::sweepHeartbeats()
{
    const int slices = heartbeatSlices();
    const size_t slice = size_t(m_heartbeatTick++ % slices);
    QList<Session *> sessions;
    sessions.reserve(m_sessions.size() / slices + 1);
    for (Session *session : std::as_const(m_sessions)) {
        if (qHash(session) % size_t(slices) == slice)
            sessions.append(session);
    }
    for (Session *session : std::as_const(sessions)) {
        // No pong while the ping itself may sit behind unread frames: the
        // client does not read, which is not a heartbeat's failure.
        const bool pingQueued = session->awaitingPong() && session->socket()->bytesToWrite() > 0;
        if (session->stalledSinceLastCheck() || pingQueued) {
            cutSlowConsumer(session);
        } else if (session->awaitingPong()) {
            m_stats.heartbeatReaps.fetch_add(1, std::memory_order_relaxed);
            qCInfo(lcHeartbeat).noquote() << "reaping session" << session->info().id << "user"
                                          << escaped(session->info().user) << "(no pong)";
            terminate(session, QWebSocketProtocol::CloseCodeGoingAway, u"heartbeat timeout"_s,
                      Linger::None);
        } else {
            session->ping();
        }
    }
}

// max_sessions_per_token: the user's open sessions with the same token key. They are few
// (max_sessions_per_user), so counting them costs less than keeping an index.
bool Worker::overTokenLimit(const Session *session) const
{
    if (m_settings.maxSessionsPerToken <= 0 || session->tokenKey().isEmpty())
        return false;
    const QList<Session *> sessions = m_sessionsByUser.value(session->info().user);
    const auto sameToken = std::count_if(sessions.cbegin(), sessions.cend(), [&](Session *other) {
        return other->tokenKey() == session->tokenKey();
    });
    return sameToken >= m_settings.maxSessionsPerToken;
}

void Worker::scheduleExpiry(Session *session)
{
    if (!m_settings.enforceTokenExpiry || session->tokenExpiresAtMs() <= 0)
        return;
    m_expiries.add(session->tokenExpiresAtMs(), session);
    armExpiryTimer();
}

// The timer waits for the earliest expiry; a later one added meanwhile changes nothing.
void Worker::armExpiryTimer()
{
    const std::optional<qint64> next = m_expiries.next();
    if (!next) {
        m_expiry->stop();
        return;
    }
    if (m_expiry->isActive() && m_expiryArmedAtMs <= *next)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 wait = std::clamp<qint64>(*next - now, 0, MaxExpiryWaitMs);
    m_expiryArmedAtMs = now + wait;
    m_expiry->start(int(wait));
}

// exp is wall-clock time: what is due is decided by the clock, not by the timer having
// fired (which a clock step may make early or late).
void Worker::closeExpired()
{
    const QList<Session *> due = m_expiries.takeDue(QDateTime::currentMSecsSinceEpoch());
    for (Session *session : due)
        cut(session, 4002, u"token expired"_s, m_stats.tokenExpiryCloses);
    armExpiryTimer();
}

// Handshakes past their deadline, and closed sessions whose close frame is
// not out after the grace period: their sockets are aborted.
void Worker::maintain()
{
    QList<QPointer<QTcpSocket>> lateHandshakes;
    for (auto it = m_handshaking.begin(); it != m_handshaking.end();) {
        if (!it->deadline.hasExpired()) {
            ++it;
            continue;
        }
        qCInfo(lcWs).noquote() << "handshake timed out for" << escaped(it.key());
        lateHandshakes.append(it->socket);
        it = m_handshaking.erase(it);
    }
    for (const QPointer<QTcpSocket> &socket : std::as_const(lateHandshakes)) {
        if (socket)
            socket->abort();
    }
    QList<Session *> late;
    for (auto it = m_lingering.cbegin(); it != m_lingering.cend(); ++it) {
        if (it->hasExpired())
            late.append(it.key());
    }
    for (Session *session : std::as_const(late)) {
        session->raw()->resetConnection(); // reports the disconnect, which closes the session
        closeSession(session); // in case it did not
    }
    if (m_handshaking.isEmpty() && m_lingering.isEmpty())
        m_maintenance->stop();
}

void Worker::keepMaintaining()
{
    if (!m_maintenance->isActive())
        m_maintenance->start();
}

// A session closed for what its client did, counted in \a counter.
void Worker::cut(Session *session, int code, const QString &reason, std::atomic<quint64> &counter)
{
    if (session->isClosing())
        return;
    counter.fetch_add(1, std::memory_order_relaxed);
    if (const auto pass = admitLogLine()) {
        qCInfo(lcWs).noquote() << "closing session" << session->info().id << "user"
                               << escaped(session->info().user) << "with" << code << reason << "("
                               << session->queuedBytes() << "bytes queued)"
                               << pass.suppressedNote();
    }
    terminate(session, code, reason, Linger::Grace);
}

void Worker::cutSlowConsumer(Session *session)
{
    cut(session, QWebSocketProtocol::CloseCodePolicyViolated, u"slow consumer"_s,
        m_stats.slowConsumerCloses);
}

LogLimiter::Pass Worker::admitLogLine()
{
    const LogLimiter::Pass pass = m_cutLog.admit();
    if (!pass)
        m_stats.logLinesSuppressed.fetch_add(1, std::memory_order_relaxed);
    return pass;
}

// Drops a session now: it leaves presence at once instead of after a close
// handshake the peer may never answer. Its socket stays until the close
// frame is out, or at most the grace period (Linger::None: not at all).
void Worker::terminate(Session *session, int code, const QString &reason, Linger linger)
{
    if (session->isClosing())
        return;
    session->markClosing();
    QWebSocket *socket = session->socket();
    socket->close(QWebSocketProtocol::CloseCode(code), reason);
    retire(session);
    if (socket->state() == QAbstractSocket::UnconnectedState)
        return reportIfDrained();
    if (linger == Linger::None) {
        session->raw()->resetConnection();
        return closeSession(session);
    }
    m_lingering.insert(session, QDeadlineTimer(m_settings.closeGraceMs));
    keepMaintaining();
}

// Takes a session out of presence; false when it was not (or no longer) in.
bool Worker::retire(Session *session)
{
    session->markClosing();
    m_expiries.remove(session->tokenExpiresAtMs(), session);
    m_unread->forget(session);
    const SessionInfo &info = session->info();
    if (!m_sessions.remove(info.id))
        return false;
    auto byUser = m_sessionsByUser.find(info.user);
    byUser->removeOne(session);
    if (byUser->isEmpty()) {
        m_sessionsByUser.erase(byUser);
        m_cursors.forget(info.user);
    }
    m_directory.remove(info.id);
    if (session->isOpenInStore())
        m_store.closeSession(info.user); // with a broker, this node may stop hearing the user
    const int code = int(session->socket()->closeCode());
    m_feed.sessionClosed(info, code, session->socket()->closeReason());
    m_stats.sessionsClosed.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcWs).noquote() << "disconnect session" << info.id << "user" << escaped(info.user)
                           << "code" << code << "frames" << session->framesSent();
    return true;
}

void Worker::closeSession(Session *session)
{
    retire(session);
    m_lingering.remove(session);
    session->deleteLater();
    reportIfDrained();
}

QString Worker::peerKey(const QString &address, quint16 port)
{
    return address + u'|' + QString::number(port);
}

} // namespace Herald
