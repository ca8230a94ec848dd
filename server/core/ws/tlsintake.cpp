#include "ws/tlsintake.h"

#include "logging.h"
#include "logtext.h"
#include "serverstats.h"
#include "tlscontext.h"
#include "ws/handshakegate.h"
#include "ws/handshakerequest.h"
#include "ws/sessionslots.h"
#include "ws/tlsclientsocket.h"

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {
constexpr qsizetype MaxHeadBytes = 16 * 1024;
}

TlsIntake::TlsIntake(const HandshakeGate &gate, const TlsContext &tls, ProxyPolicy proxies,
                     SessionSlots &slots, ServerStats &stats, Settings settings, HandOff handOff)
    : m_gate(gate),
      m_tls(tls),
      m_proxies(std::move(proxies)),
      m_slots(slots),
      m_stats(stats),
      m_settings(settings),
      m_handOff(std::move(handOff)),
      m_sweep(this)
{
    m_sweep.setInterval(std::clamp(settings.handshakeTimeoutMs / 4, 50, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &TlsIntake::sweep);
}

TlsIntake::~TlsIntake() = default; // sockets still here are children: they go with it

void TlsIntake::take(const Arrival &arrival)
{
    auto *socket = new TlsClientSocket(m_settings.maxIncomingMessageBytes, this);
    if (!socket->setSocketDescriptor(arrival.descriptor)) {
        ::close(int(arrival.descriptor));
        delete socket;
        Q_EMIT finished(arrival.counted);
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // as ClientSocket does
    m_pending.insert(socket, {arrival, QDeadlineTimer(m_settings.handshakeTimeoutMs)});
    if (!m_sweep.isActive())
        m_sweep.start();
    connect(socket, &QIODevice::readyRead, this, [this, socket] { onReadable(socket); });
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] {
        if (m_pending.contains(socket))
            fail(socket, u"closed during the TLS handshake or request"_s);
        m_answering.remove(socket);
        socket->deleteLater();
    });
    connect(socket, &QSslSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
        fail(socket,
             u"TLS error: "_s + (errors.isEmpty() ? QString() : errors.first().errorString()));
    });
    connect(socket, &QAbstractSocket::errorOccurred, this,
            [this, socket](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::SslHandshakeFailedError
                    || error == QAbstractSocket::SslInternalError
                    || error == QAbstractSocket::SslInvalidUserDataError)
                    fail(socket, u"TLS handshake failed: "_s + socket->errorString());
            });
    socket->setSslConfiguration(m_tls.configuration());
    socket->startServerEncryption();
}

// Decrypted bytes arrived; they stay in the socket (peeked, not read) for the
// worker's WebSocket handshake.
void TlsIntake::onReadable(TlsClientSocket *socket)
{
    if (!m_pending.contains(socket))
        return;
    const QByteArray bytes = socket->peek(MaxHeadBytes);
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    if (end >= 0)
        return decide(socket, bytes.left(end + 4));
    if (bytes.size() >= MaxHeadBytes) {
        answer(
            socket,
            HandshakeGate::error(431, u"header_too_large"_s, u"The request head exceeds 16 KiB"_s));
    }
}

void TlsIntake::decide(TlsClientSocket *socket, const QByteArray &head)
{
    const std::optional<HandshakeRequest> request = HandshakeRequest::parse(head);
    if (!request) {
        return answer(socket,
                      HandshakeGate::error(400, u"bad_request"_s, u"Malformed HTTP request"_s));
    }
    takeForwarded(socket, *request);
    const GateDecision decision = m_gate.decide(*request);
    const QString what = LogText::escaped(request->method) + u' ' + LogText::escaped(request->path);
    if (!decision.upgrade)
        return answer(socket, decision, what);
    if (!m_slots.tryAcquire()) {
        m_stats.serverFullRefusals.fetch_add(1, std::memory_order_relaxed);
        return answer(
            socket,
            HandshakeGate::error(503, u"server_full"_s,
                                 u"The server holds all the sessions it may; retry later"_s),
            what);
    }
    socket->holdSlot(m_slots);
    handOff(socket, decision, head, QString::fromUtf8(request->header("user-agent")));
}

// The session and the logs show the client that a trusted proxy's headers name.
void TlsIntake::takeForwarded(TlsClientSocket *socket, const HandshakeRequest &request)
{
    Arrival &arrival = m_pending[socket].arrival;
    const ForwardedFor::Result forwarded = m_proxies.forwarded(arrival.client, request);
    if (forwarded.status == ForwardedFor::Status::Found) {
        arrival.client = forwarded.address;
        arrival.clientPort = forwarded.port;
    } else if (forwarded.status == ForwardedFor::Status::Malformed) {
        m_stats.forwardedHeaderErrors.fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine()) {
            qCInfo(lcWs).noquote() << "ignoring malformed Forwarded / X-Forwarded-For from proxy"
                                   << arrival.client.toString() << pass.suppressedNote();
        }
    }
}

void TlsIntake::answer(TlsClientSocket *socket, const GateDecision &decision, const QString &what)
{
    const Pending pending = release(socket);
    if (decision.status >= 400) {
        (decision.originRefused ? m_stats.originRefusals : m_stats.rejectedHandshakes)
            .fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine()) {
            qCInfo(lcWs).noquote()
                << "refused" << decision.status << decision.code << what << "from"
                << pending.arrival.client.toString() << "over TLS" << pass.suppressedNote();
        }
    }
    // Sent, then closed; the sweep aborts it if the client stalls.
    m_answering.insert(socket, QDeadlineTimer(m_settings.handshakeTimeoutMs));
    socket->write(decision.httpResponse());
    socket->disconnectFromHost();
}

// The socket moves to the user's worker once the call that read its head
// has returned: QSslSocket still touches its notifiers on the way out.
void TlsIntake::handOff(TlsClientSocket *socket, const GateDecision &decision,
                        const QByteArray &head, const QString &userAgent)
{
    const Pending pending = release(socket);
    socket->headRead(head.size());
    disconnect(socket, nullptr, this, nullptr);
    const Arrival &arrival = pending.arrival;
    PendingConnection connection;
    connection.user = decision.user;
    connection.remoteAddress = arrival.client.toString();
    connection.remotePort = arrival.clientPort;
    connection.peerAddress = arrival.peer.toString();
    connection.peerPort = arrival.peerPort;
    connection.userAgent = userAgent;
    connection.resume = decision.resume;
    connection.tokenExpiresAtMs = decision.tokenExpiresAtMs;
    connection.tokenKey = decision.tokenKey;
    connection.headLength = head.size();
    QMetaObject::invokeMethod(
        this,
        [this, socket, connection] {
            socket->setParent(nullptr);
            m_handOff(socket, connection);
        },
        Qt::QueuedConnection);
}

void TlsIntake::fail(TlsClientSocket *socket, const QString &why)
{
    if (!m_pending.contains(socket))
        return;
    const Pending pending = release(socket);
    m_stats.tlsHandshakeFailures.fetch_add(1, std::memory_order_relaxed);
    if (const auto pass = admitLogLine()) {
        qCInfo(lcWs).noquote() << "closing connection from" << pending.arrival.client.toString()
                               << ":" << why << pass.suppressedNote();
    }
    socket->abort();
    socket->deleteLater();
}

TlsIntake::Pending TlsIntake::release(TlsClientSocket *socket)
{
    const Pending pending = m_pending.take(socket);
    Q_EMIT finished(pending.arrival.counted);
    return pending;
}

void TlsIntake::sweep()
{
    QList<TlsClientSocket *> late;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it->deadline.hasExpired())
            late.append(it.key());
    }
    for (TlsClientSocket *socket : std::as_const(late))
        fail(socket, u"no TLS handshake and request in time"_s);
    late.clear();
    for (auto it = m_answering.cbegin(); it != m_answering.cend(); ++it) {
        if (it->hasExpired())
            late.append(it.key());
    }
    for (TlsClientSocket *socket : std::as_const(late)) {
        m_answering.remove(socket);
        socket->abort();
    }
    if (m_pending.isEmpty() && m_answering.isEmpty())
        m_sweep.stop();
}

LogLimiter::Pass TlsIntake::admitLogLine()
{
    const LogLimiter::Pass pass = m_log.admit();
    if (!pass)
        m_stats.logLinesSuppressed.fetch_add(1, std::memory_order_relaxed);
    return pass;
}

} // namespace Herald
