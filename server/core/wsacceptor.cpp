#include "wsacceptor.h"

#include "handshakegate.h"
#include "logging.h"
#include "pendingconnection.h"
#include "serverstats.h"
#include "workerpool.h"

#include <QHostAddress>
#include <QSocketNotifier>
#include <QTcpSocket>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr qsizetype MaxHeadBytes = 16 * 1024;
constexpr int RepollMs = 20; // a client that sent part of its head is polled, not spun on

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

QByteArray httpResponse(const GateDecision &decision)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(decision.status) + ' '
            + reasonPhrase(decision.status) + "\r\nContent-Type: " + decision.contentType
            + "\r\nContent-Length: " + QByteArray::number(decision.body.size())
            + "\r\nCache-Control: " + decision.cacheControl + "\r\nConnection: close\r\n";
    if (decision.crossOrigin)
        response += "Access-Control-Allow-Origin: *\r\n";
    if (decision.status == 426)
        response += "Upgrade: websocket\r\n";
    return response + "\r\n" + decision.body;
}

} // namespace

WsAcceptor::WsAcceptor(const HandshakeGate &gate, WorkerPool &pool, ServerStats &stats,
                       int handshakeTimeoutMs, QObject *parent)
    : QTcpServer(parent),
      m_gate(gate),
      m_pool(pool),
      m_stats(stats),
      m_handshakeTimeoutMs(handshakeTimeoutMs)
{
    // Qt's default backlog of 50 overflows when thousands of browsers reconnect
    // at once (after a deploy); the kernel caps this at net.core.somaxconn.
    setListenBacklogSize(4096);
    m_sweep.setInterval(std::clamp(handshakeTimeoutMs / 4, 50, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &WsAcceptor::sweep);
}

WsAcceptor::~WsAcceptor()
{
    stop();
}

void WsAcceptor::stop()
{
    close();
    const QList<qintptr> descriptors = m_pending.keys();
    for (qintptr descriptor : descriptors)
        drop(descriptor);
}

void WsAcceptor::incomingConnection(qintptr descriptor)
{
    ::fcntl(int(descriptor), F_SETFL, ::fcntl(int(descriptor), F_GETFL) | O_NONBLOCK);
    auto *notifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this,
            [this, descriptor] { onReadable(descriptor); });
    m_pending.insert(descriptor, {notifier, QDeadlineTimer(m_handshakeTimeoutMs)});
    if (!m_sweep.isActive())
        m_sweep.start();
}

void WsAcceptor::onReadable(qintptr descriptor)
{
    if (!m_pending.contains(descriptor))
        return;
    QByteArray buffer(MaxHeadBytes, Qt::Uninitialized);
    const ssize_t n = ::recv(int(descriptor), buffer.data(), size_t(buffer.size()), MSG_PEEK);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            drop(descriptor);
        return;
    }
    buffer.truncate(n);
    const qsizetype headLength = HandshakeRequest::headLength(buffer);
    if (headLength < 0) {
        if (n >= MaxHeadBytes) {
            answer(descriptor, n,
                   HandshakeGate::error(431, u"header_too_large"_s,
                                        u"The request head exceeds 16 KiB"_s));
            return;
        }
        QSocketNotifier *notifier = m_pending.value(descriptor).notifier;
        notifier->setEnabled(false);
        QTimer::singleShot(RepollMs, notifier, [this, descriptor, notifier] {
            if (m_pending.value(descriptor).notifier == notifier)
                notifier->setEnabled(true);
        });
        return;
    }
    const std::optional<HandshakeRequest> request
        = HandshakeRequest::parse(buffer.left(headLength));
    if (!request) {
        answer(descriptor, headLength,
               HandshakeGate::error(400, u"bad_request"_s, u"Malformed HTTP request"_s));
        return;
    }
    const GateDecision decision = m_gate.decide(*request);
    if (decision.upgrade)
        handOff(descriptor, decision, request->header("user-agent"));
    else
        answer(descriptor, headLength, decision);
}

void WsAcceptor::answer(qintptr descriptor, qsizetype headLength, const GateDecision &decision)
{
    if (decision.status >= 400) {
        m_stats.rejectedHandshakes.fetch_add(1, std::memory_order_relaxed);
        qCInfo(lcWs) << "refused connection:" << decision.status << decision.body;
    }
    // Consume what was peeked so closing does not reset the connection
    // before the client has read the answer.
    QByteArray sink(headLength, Qt::Uninitialized);
    [[maybe_unused]] const ssize_t consumed =
            ::recv(int(descriptor), sink.data(), size_t(headLength), 0);
    release(descriptor);
    // A socket writes the answer, however large, without blocking this thread,
    // and closes once it is sent.
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(m_handshakeTimeoutMs, socket, &QTcpSocket::abort);
    socket->write(httpResponse(decision));
    socket->disconnectFromHost();
}

void WsAcceptor::handOff(qintptr descriptor, const GateDecision &decision,
                         const QByteArray &userAgent)
{
    sockaddr_storage address {};
    socklen_t length = sizeof(address);
    ::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length);
    const QHostAddress peer(reinterpret_cast<const sockaddr *>(&address));
    quint16 port = 0;
    if (address.ss_family == AF_INET)
        port = ntohs(reinterpret_cast<const sockaddr_in *>(&address)->sin_port);
    else if (address.ss_family == AF_INET6)
        port = ntohs(reinterpret_cast<const sockaddr_in6 *>(&address)->sin6_port);

    release(descriptor);
    m_pool.adopt({descriptor, decision.user, peer.toString(), port, QString::fromUtf8(userAgent),
                  decision.resume});
}

void WsAcceptor::drop(qintptr descriptor)
{
    release(descriptor);
    ::close(int(descriptor));
}

void WsAcceptor::release(qintptr descriptor)
{
    const Pending pending = m_pending.take(descriptor);
    if (pending.notifier) {
        pending.notifier->setEnabled(false);
        pending.notifier->deleteLater();
    }
    if (m_pending.isEmpty())
        m_sweep.stop();
}

void WsAcceptor::sweep()
{
    QList<qintptr> expired;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it->deadline.hasExpired())
            expired.append(it.key());
    }
    for (qintptr descriptor : expired) {
        qCInfo(lcWs) << "closing connection that sent no complete request in time";
        drop(descriptor);
    }
}

} // namespace Herald
