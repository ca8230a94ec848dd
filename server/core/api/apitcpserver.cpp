#include "api/apitcpserver.h"

#include "api/apisocket.h"
#include "httpanswer.h"
#include "logging.h"
#include "loglimiter.h"
#include "serverstats.h"
#include "tlscontext.h"
#include "tlsrecord.h"

#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int LingerMs = 2000;
constexpr qint64 MaxUnreadAnswerBytes = 8 * 1024 * 1024;
LogLimiter refusalLog;

} // namespace

ApiTcpServer::ApiTcpServer(const Limits &limits, ServerStats &stats, QObject *parent)
    : QTcpServer(parent),
      m_limits(limits),
      m_stats(stats),
      m_accepting(
          [this](int descriptor, const QHostAddress &, quint16) { incomingConnection(descriptor); },
          [this](int error) { acceptPaused(error); }, this)
{
    setListenBacklogSize(1024);
    m_sweep.setInterval(sweepIntervalMs(limits));
    connect(&m_sweep, &QTimer::timeout, this, &ApiTcpServer::sweep);
    m_sweep.start();
}

int ApiTcpServer::sweepIntervalMs(const Limits &limits)
{
    return std::clamp(std::min(limits.idleTimeoutMs, limits.headTimeoutMs) / 4, 50, 1000);
}

void ApiTcpServer::setLimits(const Limits &limits)
{
    m_limits = limits;
    // Setting an active timer's interval restarts it: only when it changes.
    if (m_sweep.interval() != sweepIntervalMs(limits))
        m_sweep.setInterval(sweepIntervalMs(limits));
}

// QTcpServer binds and listens; its own accept loop is paused for good (see AcceptLoop).
bool ApiTcpServer::start(const QHostAddress &address, quint16 port)
{
    if (!listen(address, port))
        return false;
    pauseAccepting();
    m_accepting.start(socketDescriptor());
    return true;
}

void ApiTcpServer::stop()
{
    m_accepting.stop();
    close();
    for (auto it = m_sniffing.cbegin(); it != m_sniffing.cend(); ++it) {
        it->first->setEnabled(false);
        it->first->deleteLater();
        ::close(int(it.key()));
    }
    m_sniffing.clear();
}

QTcpSocket *ApiTcpServer::nextPendingConnection()
{
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    // After stop() a connection accepted before it can still bring its first
    // request; the listener, and what pauseAccepting() reaches, is gone.
    if (isListening())
        pauseAccepting();
    return socket;
}

void ApiTcpServer::acceptPaused(int error)
{
    m_stats.acceptPauses.fetch_add(1, std::memory_order_relaxed);
    if (const LogLimiter::Pass pass = refusalLog.admit()) {
        qCWarning(lcApi).noquote()
            << "cannot accept API connection:" << qt_error_string(error) << "- pausing for"
            << AcceptLoop::PauseMs << "ms" << pass.suppressedNote();
    }
}

bool ApiTcpServer::currentAnswered() const
{
    return m_current && m_current->bytesToWrite() > m_currentQueuedBytes;
}

void ApiTcpServer::refuse(QTcpSocket *socket, const QByteArray &answer)
{
    // Keep QHttpServer (or anyone) from reading more of it.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->write(answer);
    socket->flush();
    // Lingering close: the client may still be sending. Closing now would
    // reset the connection and destroy the answer in flight, so stop writing,
    // discard what still arrives, and close when the client does.
    ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    connect(socket, &QTcpSocket::readyRead, socket,
            [socket] { socket->skip(socket->bytesAvailable()); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(LingerMs, socket, &QTcpSocket::abort);
}

void ApiTcpServer::incomingConnection(qintptr descriptor)
{
    if (m_tls)
        return sniffTls(descriptor);
    open(descriptor);
}

// Waits for the first byte (TlsRecord::peek).
void ApiTcpServer::sniffTls(qintptr descriptor)
{
    auto *notifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this,
            [this, descriptor] { onFirstBytes(descriptor); });
    m_sniffing.insert(descriptor, {notifier, QDeadlineTimer(m_limits.headTimeoutMs)});
}

void ApiTcpServer::onFirstBytes(qintptr descriptor)
{
    const TlsRecord::Start start = TlsRecord::peek(descriptor);
    if (start == TlsRecord::Start::NotYet)
        return;
    QSocketNotifier *notifier = m_sniffing.take(descriptor).first;
    notifier->setEnabled(false);
    notifier->deleteLater();
    if (start == TlsRecord::Start::Closed) {
        ::close(int(descriptor));
        return;
    }
    ApiSocket *socket = open(descriptor);
    if (!socket)
        return;
    if (start == TlsRecord::Start::Other) {
        return reject(
            socket,
            {400, u"tls_required"_s, u"This port speaks TLS only: connect with https://"_s});
    }
    socket->setSslConfiguration(m_tls->configuration());
    connect(socket, &QAbstractSocket::errorOccurred, this,
            [this, socket](QAbstractSocket::SocketError error) {
                if (error != QAbstractSocket::SslHandshakeFailedError
                    && error != QAbstractSocket::SslInternalError)
                    return;
                m_stats.tlsHandshakeFailures.fetch_add(1, std::memory_order_relaxed);
                if (const LogLimiter::Pass pass = refusalLog.admit()) {
                    qCInfo(lcApi).noquote()
                        << "TLS handshake failed with" << socket->peerAddress().toString() << ":"
                        << socket->errorString() << pass.suppressedNote();
                }
                forget(socket);
                socket->abort();
            });
    socket->startServerEncryption();
}

ApiSocket *ApiTcpServer::open(qintptr descriptor)
{
    auto *socket = new ApiSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        return nullptr;
    }
    Guard &guard = m_guards.insert(socket, Guard(m_limits.maxBodyBytes)).value();
    guard.deadline = QDeadlineTimer(m_limits.idleTimeoutMs);
    // Connected before QHttpServer's own slots, so the guard sees bytes first.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        auto guard = m_guards.find(socket);
        if (guard != m_guards.end() && guard->framer.state() == RequestFramer::State::Idle)
            guard->deadline = QDeadlineTimer(m_limits.idleTimeoutMs);
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // A socket whose answer was pending had its signals blocked and may miss
    // disconnected(): forget it when it goes, however it goes.
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
    return socket;
}

void ApiTcpServer::forget(QTcpSocket *socket)
{
    m_guards.remove(socket);
    if (m_current == socket)
        m_current = nullptr;
}

void ApiTcpServer::onReadyRead(ApiSocket *socket)
{
    auto guard = m_guards.find(socket);
    if (guard == m_guards.end() || !scan(socket, *guard))
        return;
    if (guard->http) {
        m_current = socket;
        m_currentQueuedBytes = socket->bytesToWrite();
    }
}

// Feeds the bytes the framer has not seen yet; false when the connection was
// refused or handed away.
bool ApiTcpServer::scan(ApiSocket *socket, Guard &guard)
{
    if (socket->bytesToWrite() > MaxUnreadAnswerBytes) {
        // It keeps asking and never reads the answers: they would pile up here.
        m_stats.apiSlowReaders.fetch_add(1, std::memory_order_relaxed);
        qCInfo(lcApi) << "closing API connection that does not read its answers from"
                      << socket->peerAddress().toString();
        forget(socket);
        socket->abort();
        return false;
    }
    const qint64 available = socket->bytesAvailable();
    const qint64 fresh = available - guard.scanned;
    guard.scanned = available; // QHttpServer reads after this slot; afterHttpRead corrects it
    if (fresh <= 0)
        return true;
    const QByteArray bytes = socket->peek(available).sliced(available - fresh);
    const RequestFramer::State before = guard.framer.state();
    const RequestFramer::Output output = guard.framer.feed(bytes);
    if (output.error) {
        reject(socket, *output.error);
        return false;
    }
    setDeadline(guard, before, !output.heads.isEmpty());
    for (const HttpRequestHead &head : output.heads) {
        if (head.expectContinue)
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (!guard.http && !output.heads.isEmpty()) {
        firstHead(socket, output.heads.first());
        return m_guards.contains(socket) && m_guards[socket].http;
    }
    return true;
}

void ApiTcpServer::firstHead(ApiSocket *socket, const HttpRequestHead &head)
{
    if (m_upgradeHandler && head.asksForUpgrade() && head.path() == m_upgradePath) {
        forget(socket);
        disconnect(socket, nullptr, this, nullptr);
        return m_upgradeHandler(socket, head);
    }
    handToHttp(socket);
}

void ApiTcpServer::handToHttp(ApiSocket *socket)
{
    m_guards[socket].http = true;
    addPendingConnection(socket);
    Q_EMIT newConnection(); // QHttpServer takes it and connects its own readyRead slot
    // ... after which this one runs, to learn how much QHttpServer left unread.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { afterHttpRead(socket); });
    // It missed the bytes already here: let it (and this guard, first) see them.
    QMetaObject::invokeMethod(socket, &QTcpSocket::readyRead, Qt::QueuedConnection);
}

void ApiTcpServer::afterHttpRead(QTcpSocket *socket)
{
    if (auto guard = m_guards.find(socket); guard != m_guards.end())
        guard->scanned = socket->bytesAvailable();
}

void ApiTcpServer::setDeadline(Guard &guard, RequestFramer::State before, bool headsDone)
{
    using State = RequestFramer::State;
    const State now = guard.framer.state();
    if (now == State::Head && before != State::Head) {
        guard.deadline = QDeadlineTimer(m_limits.headTimeoutMs);
    } else if (now == State::Body && before != State::Body) {
        const qint64 transferMs = guard.framer.bodyLeft() * 1000 / m_limits.minBodyBytesPerSecond;
        guard.deadline = QDeadlineTimer(m_limits.headTimeoutMs + transferMs);
    } else if (now == State::Idle && (before != State::Idle || headsDone)) {
        // A request is whole: no clock runs while the server works on its
        // answer (a store commit may be slow); writing the answer starts the
        // idle timeout.
        guard.deadline = QDeadlineTimer(QDeadlineTimer::Forever);
    }
}

void ApiTcpServer::reject(QTcpSocket *socket, const ApiError &error)
{
    (error.status == 408       ? m_stats.apiTimeouts
         : error.status == 413 ? m_stats.apiTooLarge
                               : m_stats.apiBadRequests)
        .fetch_add(1, std::memory_order_relaxed);
    if (const LogLimiter::Pass pass = refusalLog.admit()) {
        qCInfo(lcApi).noquote() << "refused API request from" << socket->peerAddress().toString()
                                << error.status << error.code << pass.suppressedNote();
    }
    forget(socket);
    refuse(socket, HttpAnswer::error(error));
}

void ApiTcpServer::sweep()
{
    for (auto it = m_sniffing.begin(); it != m_sniffing.end();) {
        if (!it->second.hasExpired()) {
            ++it;
            continue;
        }
        it->first->setEnabled(false);
        it->first->deleteLater();
        ::close(int(it.key()));
        it = m_sniffing.erase(it);
    }
    QList<QTcpSocket *> expired;
    for (auto it = m_guards.cbegin(); it != m_guards.cend(); ++it) {
        if (it->deadline.hasExpired())
            expired.append(it.key());
    }
    for (QTcpSocket *socket : std::as_const(expired)) {
        const RequestFramer::State state = m_guards.find(socket)->framer.state();
        if (state == RequestFramer::State::Head || state == RequestFramer::State::Body) {
            reject(socket,
                   {408, u"request_timeout"_s,
                    state == RequestFramer::State::Head
                        ? u"The request head did not arrive in time"_s
                        : u"The request body did not arrive in time"_s});
            continue;
        }
        qCDebug(lcApi) << "closing idle API connection from" << socket->peerAddress().toString();
        forget(socket);
        socket->abort();
    }
}

} // namespace Herald
