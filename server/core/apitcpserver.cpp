#include "apitcpserver.h"

#include "apierror.h"
#include "logging.h"

#include <QTcpSocket>

#include <sys/socket.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {
constexpr int LingerMs = 2000;
}

ApiTcpServer::ApiTcpServer(int idleTimeoutMs, qint64 maxUnansweredBytes, QObject *parent)
    : QTcpServer(parent), m_idleTimeoutMs(idleTimeoutMs), m_maxUnansweredBytes(maxUnansweredBytes)
{
    setListenBacklogSize(1024);
    m_sweep.setInterval(std::clamp(idleTimeoutMs / 4, 50, 5000));
    connect(&m_sweep, &QTimer::timeout, this, &ApiTcpServer::sweep);
    m_sweep.start();
}

void ApiTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    m_guards.insert(socket, {QDeadlineTimer(m_idleTimeoutMs), 0});
    // Connected before QHttpServer's own slots, so the guard sees bytes first.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        if (m_guards.contains(socket))
            m_guards[socket] = {QDeadlineTimer(m_idleTimeoutMs), 0};
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_guards.remove(socket);
        socket->deleteLater();
    });
    // A socket whose answer was pending had its signals blocked and may miss
    // disconnected(): forget it when it goes, however it goes.
    connect(socket, &QObject::destroyed, this, [this, socket] {
        m_guards.remove(socket);
        if (m_current == socket)
            m_current = nullptr;
    });
    addPendingConnection(socket);
}

void ApiTcpServer::release(QTcpSocket *socket)
{
    m_guards.remove(socket);
    if (m_current == socket)
        m_current = nullptr;
}

void ApiTcpServer::onReadyRead(QTcpSocket *socket)
{
    m_current = socket;
    Guard &guard = m_guards[socket];
    guard.idle = QDeadlineTimer(m_idleTimeoutMs);
    guard.unanswered += socket->bytesAvailable();
    if (guard.unanswered > m_maxUnansweredBytes)
        refuseOversized(socket);
}

void ApiTcpServer::refuseOversized(QTcpSocket *socket)
{
    qCWarning(lcApi) << "refusing oversized request from" << socket->peerAddress().toString();
    // Keep QHttpServer from parsing (and buffering) any more of it.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    const QByteArray body
        = ApiError {413, u"payload_too_large"_s, u"Request body exceeds the configured limit"_s}
              .toBody();
    socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                  "Content-Length: "
                  + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
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
