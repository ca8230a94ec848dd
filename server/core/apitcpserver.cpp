#include "apitcpserver.h"

#include "apierror.h"
#include "apisocket.h"
#include "handshakerequest.h"
#include "httpanswer.h"
#include "logging.h"

#include <sys/socket.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int LingerMs = 2000;
constexpr qsizetype MaxHeadBytes = 16 * 1024;

bool hasToken(const QByteArray &headerValue, const QByteArray &token)
{
    for (const QByteArray &part : headerValue.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Any request that asks for another protocol, WebSocket or not, well-formed or not.
bool asksForUpgrade(const HandshakeRequest &request)
{
    return request.headers.contains("upgrade") || hasToken(request.header("connection"), "upgrade");
}

} // namespace

ApiTcpServer::ApiTcpServer(int idleTimeoutMs, qint64 maxUnansweredBytes, QObject *parent)
    : QTcpServer(parent), m_idleTimeoutMs(idleTimeoutMs), m_maxUnansweredBytes(maxUnansweredBytes)
{
    setListenBacklogSize(1024);
    m_sweep.setInterval(std::clamp(idleTimeoutMs / 4, 50, 5000));
    connect(&m_sweep, &QTimer::timeout, this, &ApiTcpServer::sweep);
    m_sweep.start();
}

bool ApiTcpServer::currentAnswered() const
{
    return m_current && m_current->bytesToWrite() > m_currentQueuedBytes;
}

void ApiTcpServer::refuse(QTcpSocket *socket, const QByteArray &answer)
{
    socket->write(answer);
    socket->disconnectFromHost();
}

void ApiTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new ApiSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    m_guards.insert(socket, {QDeadlineTimer(m_idleTimeoutMs), 0, false});
    // Connected before QHttpServer's own slots, so the guard sees bytes first.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        if (auto guard = m_guards.find(socket); guard != m_guards.end()) {
            guard->idle = QDeadlineTimer(m_idleTimeoutMs);
            guard->unanswered = 0;
        }
    });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // A socket whose answer was pending had its signals blocked and may miss
    // disconnected(): forget it when it goes, however it goes.
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
}

void ApiTcpServer::forget(QTcpSocket *socket)
{
    m_guards.remove(socket);
    if (m_current == socket)
        m_current = nullptr;
}

void ApiTcpServer::onReadyRead(ApiSocket *socket)
{
    const auto guard = m_guards.find(socket);
    if (guard == m_guards.end())
        return;
    guard->idle = QDeadlineTimer(m_idleTimeoutMs);
    if (!guard->http)
        return inspectFirstHead(socket);
    m_current = socket;
    m_currentQueuedBytes = socket->bytesToWrite();
    guard->unanswered += socket->bytesAvailable();
    if (guard->unanswered > m_maxUnansweredBytes)
        refuseOversized(socket);
}

// Peeks, never reads: whoever gets the connection next reads the head itself.
void ApiTcpServer::inspectFirstHead(ApiSocket *socket)
{
    const QByteArray buffer = socket->peek(MaxHeadBytes);
    const qsizetype headLength = HandshakeRequest::headLength(buffer);
    if (headLength < 0) {
        if (buffer.size() < MaxHeadBytes)
            return; // the rest of the head is still on its way
        forget(socket);
        return refuse(
            socket,
            HttpAnswer::error({431, u"headers_too_large"_s, u"The request head exceeds 16 KiB"_s}));
    }
    const std::optional<HandshakeRequest> request
        = HandshakeRequest::parse(buffer.first(headLength));
    if (!request) {
        forget(socket);
        return refuse(
            socket,
            HttpAnswer::error({400, u"bad_request"_s, u"Malformed HTTP/1.1 request head"_s}));
    }
    if (m_upgradeHandler && request->path == m_upgradePath && asksForUpgrade(*request)) {
        forget(socket);
        disconnect(socket, nullptr, this, nullptr);
        return m_upgradeHandler(socket, *request);
    }
    handToHttp(socket);
}

void ApiTcpServer::handToHttp(ApiSocket *socket)
{
    m_guards[socket].http = true;
    addPendingConnection(socket);
    Q_EMIT newConnection(); // QHttpServer takes it and connects its own slots
    // It missed the bytes already here: let it (and this guard, first) see them.
    QMetaObject::invokeMethod(socket, &QTcpSocket::readyRead, Qt::QueuedConnection);
}

void ApiTcpServer::refuseOversized(QTcpSocket *socket)
{
    qCWarning(lcApi) << "refusing oversized request from" << socket->peerAddress().toString();
    // Keep QHttpServer from parsing (and buffering) any more of it.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->write(HttpAnswer::error(
        {413, u"payload_too_large"_s, u"Request body exceeds the configured limit"_s}));
    socket->flush();
    // Lingering close: the client is usually still sending its body. Closing
    // now would reset the connection and destroy the answer in flight, so stop
    // writing, discard what still arrives, and close when the client does.
    ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    connect(socket, &QTcpSocket::readyRead, socket,
            [socket] { socket->skip(socket->bytesAvailable()); });
    m_guards.remove(socket);
    QTimer::singleShot(LingerMs, socket, &QTcpSocket::abort);
}

void ApiTcpServer::sweep()
{
    QList<QTcpSocket *> idle;
    for (auto it = m_guards.cbegin(); it != m_guards.cend(); ++it) {
        if (it->idle.hasExpired())
            idle.append(it.key());
    }
    for (QTcpSocket *socket : idle) {
        qCInfo(lcApi) << "closing idle API connection from" << socket->peerAddress().toString();
        m_guards.remove(socket);
        socket->abort();
    }
}

} // namespace Herald
