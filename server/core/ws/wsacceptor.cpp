#include "ws/wsacceptor.h"

#include "config/ipliteral.h"
#include "logging.h"
#include "logtext.h"
#include "serverstats.h"
#include "tlsrecord.h"
#include "ws/handshakegate.h"
#include "ws/pendingconnection.h"
#include "ws/proxyheader.h"
#include "ws/sessionslots.h"
#include "ws/workerpool.h"

#include <QSocketNotifier>
#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr qsizetype MaxHeadBytes = 16 * 1024;

} // namespace

WsAcceptor::WsAcceptor(const HandshakeGate &gate, WorkerPool &pool, SessionSlots &slots,
                       ServerStats &stats, Limits limits, ProxyPolicy proxies, QObject *parent)
    : QObject(parent),
      m_gate(gate),
      m_pool(pool),
      m_slots(slots),
      m_stats(stats),
      m_limits(limits),
      m_proxies(std::move(proxies)),
      m_accepting([this](int descriptor, const QHostAddress &peer,
                         quint16 port) { admit(descriptor, peer, port); },
                  [this](int error) { acceptPaused(error); }, this)
{
    // Qt's default backlog of 50 overflows when thousands of browsers reconnect
    // at once (after a deploy); the kernel caps this at net.core.somaxconn.
    m_listener.setListenBacklogSize(4096);
    m_sweep.setInterval(sweepIntervalMs(limits));
    connect(&m_sweep, &QTimer::timeout, this, &WsAcceptor::sweep);
    m_scratch.resize(MaxHeadBytes);
    connect(&m_pool, &WorkerPool::tlsIntakeFinished, this, &WsAcceptor::onTlsIntakeFinished);
}

int WsAcceptor::sweepIntervalMs(const Limits &limits)
{
    return std::clamp(limits.handshakeTimeoutMs / 4, 50, 1000);
}

void WsAcceptor::setLimits(Limits limits)
{
    m_limits = limits;
    // Setting an active timer's interval restarts it: only when it changes, so that
    // reloads in quick succession cannot hold the sweep off.
    if (m_sweep.interval() != sweepIntervalMs(limits))
        m_sweep.setInterval(sweepIntervalMs(limits));
}

WsAcceptor::~WsAcceptor()
{
    stop();
}

// QTcpServer binds and listens. Its own accept loop is paused for good:
// Qt 6.4 treats EMFILE as a temporary error and retries at once, forever.
bool WsAcceptor::listen(const QHostAddress &address, quint16 port)
{
    if (!m_listener.listen(address, port))
        return false;
    m_listener.pauseAccepting();
    m_accepting.start(m_listener.socketDescriptor());
    return true;
}

void WsAcceptor::stop()
{
    m_accepting.stop();
    m_listener.close();
    const QList<qintptr> descriptors = m_pending.keys();
    for (qintptr descriptor : descriptors)
        drop(descriptor);
}

// The connection stays in the kernel's backlog until a descriptor is free.
void WsAcceptor::acceptPaused(int error)
{
    m_stats.acceptPauses.fetch_add(1, std::memory_order_relaxed);
    if (const auto pass = admitLogLine()) {
        qCWarning(lcWs).noquote() << "cannot accept:" << qt_error_string(error) << "- pausing for"
                                  << AcceptLoop::PauseMs << "ms with" << m_pending.size()
                                  << "requests being read" << pass.suppressedNote();
    }
}

// A connection that must send a PROXY header is counted per address once it has named
// its client.
void WsAcceptor::admit(int descriptor, const QHostAddress &address, quint16 port)
{
    if (m_pending.size() + m_tlsInFlight >= m_limits.maxHandshakes)
        return refuseAtOnce(descriptor, address, "too many connections sending their request");
    const bool proxied = m_proxies.expectsHeader(address);
    Pending pending{.notifier = nullptr,
                    .received = {},
                    .address = address,
                    .port = port,
                    .serial = ++m_serial,
                    .stage = proxied ? Stage::ProxyHeader : Stage::Head,
                    .client = address,
                    .clientPort = port,
                    .counted = std::nullopt};
    if (!proxied && !holdAddressPlace(pending))
        return refuseAtOnce(descriptor, address, "too many requests being read from this address");
    pending.notifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    connect(pending.notifier, &QSocketNotifier::activated, this,
            [this, descriptor] { onReadable(descriptor); });
    m_pending.insert(descriptor, std::move(pending));
    m_deadlines.push_back({QDeadlineTimer(m_limits.handshakeTimeoutMs), descriptor, m_serial});
    if (!m_sweep.isActive())
        m_sweep.start();
}

// Takes a place for the client's address under max_handshakes_per_address; false when
// none is left. Trusted proxies take none.
bool WsAcceptor::holdAddressPlace(Pending &pending)
{
    if (!m_proxies.limitsPerAddress(pending.client))
        return true;
    const auto count = m_pendingPerAddress.find(pending.client);
    if (count != m_pendingPerAddress.end() && *count >= m_limits.maxHandshakesPerAddress)
        return false;
    ++m_pendingPerAddress[pending.client];
    pending.counted = pending.client;
    return true;
}

void WsAcceptor::refuseAtOnce(int descriptor, const QHostAddress &address, const char *why)
{
    ::close(descriptor);
    m_stats.handshakeLimitCloses.fetch_add(1, std::memory_order_relaxed);
    if (const auto pass = admitLogLine()) {
        qCInfo(lcWs).noquote() << "closed connection from" << address.toString()
                               << "at once:" << why << pass.suppressedNote();
    }
}

// Reads what arrived. A trusted proxy's PROXY header comes first; then, with TLS, the
// connection goes to an intake, or else the request head is read here, only new bytes
// looked at, once.
void WsAcceptor::onReadable(qintptr descriptor)
{
    const auto it = m_pending.find(descriptor);
    if (it == m_pending.end())
        return;
    if (it->stage == Stage::ProxyHeader && !readProxyHeader(descriptor, *it))
        return;
    if (m_tls)
        return sniffTls(descriptor);
    QByteArray &received = it->received;
    const qsizetype before = received.size();
    const ssize_t n = ::recv(int(descriptor), m_scratch.data(), size_t(MaxHeadBytes - before), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        return drop(descriptor);
    if (n < 0)
        return;
    received.append(m_scratch.constData(), n); // a connection that trickles keeps what it sent
    const qsizetype end = received.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
    if (end >= 0)
        return decide(descriptor, end + 4);
    if (received.size() >= MaxHeadBytes) {
        answer(
            descriptor,
            HandshakeGate::error(431, u"header_too_large"_s, u"The request head exceeds 16 KiB"_s));
    }
}

// A TLS ClientHello goes to an intake. Anything else is most likely plain
// HTTP sent to the wss:// port: read it (so that closing does not reset the
// connection under the answer) and answer in plain HTTP.
void WsAcceptor::sniffTls(qintptr descriptor)
{
    const TlsRecord::Start start = TlsRecord::peek(descriptor);
    if (start == TlsRecord::Start::NotYet)
        return;
    if (start == TlsRecord::Start::Closed)
        return drop(descriptor);
    if (start == TlsRecord::Start::Handshake) {
        Pending pending = m_pending.take(descriptor);
        pending.notifier->setEnabled(false);
        pending.notifier->deleteLater();
        ++m_tlsInFlight; // its address keeps its count until the intake is done
        m_pool.takeTls({descriptor, pending.address, pending.port, pending.client,
                        pending.clientPort, pending.counted.value_or(QHostAddress())});
        return;
    }
    [[maybe_unused]] const ssize_t read
        = ::recv(int(descriptor), m_scratch.data(), size_t(m_scratch.size()), 0);
    answer(descriptor,
           HandshakeGate::error(400, u"tls_required"_s,
                                u"This port speaks TLS only: connect with wss:// or https://"_s));
}

void WsAcceptor::onTlsIntakeFinished(const QHostAddress &address)
{
    --m_tlsInFlight;
    forgetAddress(address);
}

void WsAcceptor::forgetAddress(const QHostAddress &address)
{
    auto count = m_pendingPerAddress.find(address);
    if (count != m_pendingPerAddress.end() && --*count <= 0)
        m_pendingPerAddress.erase(count);
}

// Reads the PROXY header and not one byte more, so that what follows (the request head,
// or a TLS ClientHello) stays in the kernel for the next stage: it peeks, then takes the
// bytes that belong to the header (all of them while it is incomplete). True when the
// header is whole and the connection goes on. No HTTP answer is possible before the
// header is known: a malformed one closes the connection.
bool WsAcceptor::readProxyHeader(qintptr descriptor, Pending &pending)
{
    const ssize_t n = ::recv(int(descriptor), m_scratch.data(), size_t(m_scratch.size()), MSG_PEEK);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        drop(descriptor);
        return false;
    }
    if (n < 0)
        return false;
    const QByteArray seen = pending.received + QByteArray(m_scratch.constData(), n);
    const ProxyHeader::Result header = ProxyHeader::parse(seen);
    const qsizetype taken = header.status == ProxyHeader::Status::Done
        ? header.consumed - pending.received.size()
        : n;
    [[maybe_unused]] const ssize_t read
        = ::recv(int(descriptor), m_scratch.data(), size_t(taken), 0);
    if (header.status == ProxyHeader::Status::NeedMore) {
        pending.received = seen;
        return false;
    }
    if (header.status == ProxyHeader::Status::Invalid) {
        m_stats.proxyHeaderErrors.fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine()) {
            qCInfo(lcWs).noquote()
                << "closed connection from proxy" << pending.address.toString()
                << "at once: bad PROXY header:" << header.reason << pass.suppressedNote();
        }
        drop(descriptor);
        return false;
    }
    pending.received.clear();
    pending.stage = Stage::Head;
    if (header.source) {
        pending.client = IpLiteral::unmapped(*header.source);
        pending.clientPort = header.sourcePort;
    }
    if (holdAddressPlace(pending))
        return true;
    closeAtOnce(descriptor, "too many requests being read from this address");
    return false;
}

// Like refuseAtOnce(), for a connection already being read.
void WsAcceptor::closeAtOnce(qintptr descriptor, const char *why)
{
    const QString client = m_pending.value(descriptor).client.toString();
    drop(descriptor);
    m_stats.handshakeLimitCloses.fetch_add(1, std::memory_order_relaxed);
    if (const auto pass = admitLogLine()) {
        qCInfo(lcWs).noquote() << "closed connection from" << client << "at once:" << why
                               << pass.suppressedNote();
    }
}

// The session and the logs show the client that a trusted proxy's headers name.
void WsAcceptor::takeForwarded(Pending &pending, const HandshakeRequest &request)
{
    const ForwardedFor::Result forwarded = m_proxies.forwarded(pending.client, request);
    if (forwarded.status == ForwardedFor::Status::Found) {
        pending.client = forwarded.address;
        pending.clientPort = forwarded.port;
    } else if (forwarded.status == ForwardedFor::Status::Malformed) {
        m_stats.forwardedHeaderErrors.fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine()) {
            qCInfo(lcWs).noquote() << "ignoring malformed Forwarded / X-Forwarded-For from proxy"
                                   << pending.client.toString() << pass.suppressedNote();
        }
    }
}

void WsAcceptor::decide(qintptr descriptor, qsizetype headLength)
{
    Pending &pending = *m_pending.find(descriptor);
    const std::optional<HandshakeRequest> request
        = HandshakeRequest::parse(pending.received.left(headLength));
    if (!request) {
        return answer(descriptor,
                      HandshakeGate::error(400, u"bad_request"_s, u"Malformed HTTP request"_s));
    }
    takeForwarded(pending, *request);
    const GateDecision decision = m_gate.decide(*request);
    if (decision.upgrade)
        handOff(descriptor, decision, *request, headLength);
    else
        answer(descriptor, decision, &*request);
}

void WsAcceptor::answer(qintptr descriptor, const GateDecision &decision,
                        const HandshakeRequest *request)
{
    const Pending pending = release(descriptor);
    if (decision.status >= 400) {
        (decision.originRefused ? m_stats.originRefusals : m_stats.rejectedHandshakes)
            .fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine()) {
            qCInfo(lcWs).noquote() << "refused" << decision.status << decision.code
                                   << (request ? LogText::escaped(request->method) : QString())
                                   << (request ? LogText::escaped(request->path) : QString())
                                   << "from" << pending.client.toString() << pass.suppressedNote();
        }
    }
    // A socket writes the answer, however large, without blocking this thread,
    // and closes once it is sent; the sweep aborts it if the client stalls.
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    m_answering.emplace_back(QDeadlineTimer(m_limits.handshakeTimeoutMs), socket);
    if (!m_sweep.isActive())
        m_sweep.start();
    socket->write(decision.httpResponse());
    socket->disconnectFromHost();
}

void WsAcceptor::handOff(qintptr descriptor, const GateDecision &decision,
                         const HandshakeRequest &request, qsizetype headLength)
{
    if (!m_slots.tryAcquire()) {
        m_stats.serverFullRefusals.fetch_add(1, std::memory_order_relaxed);
        return answer(
            descriptor,
            HandshakeGate::error(503, u"server_full"_s,
                                 u"The server holds all the sessions it may; retry later"_s),
            &request);
    }
    Pending pending = release(descriptor);
    m_pool.adopt({descriptor, decision.user, pending.client.toString(), pending.clientPort,
                  pending.address.toString(), pending.port,
                  QString::fromUtf8(request.header("user-agent")), decision.resume,
                  decision.tokenExpiresAtMs, decision.tokenKey, std::move(pending.received),
                  headLength});
}

void WsAcceptor::drop(qintptr descriptor)
{
    release(descriptor);
    ::close(int(descriptor));
}

WsAcceptor::Pending WsAcceptor::release(qintptr descriptor)
{
    Pending pending = m_pending.take(descriptor);
    if (pending.notifier) {
        pending.notifier->setEnabled(false);
        pending.notifier->deleteLater();
    }
    if (pending.counted)
        forgetAddress(*pending.counted);
    return pending;
}

// Deadlines come in arrival order; only expired ones at the front are looked at.
void WsAcceptor::sweep()
{
    while (!m_deadlines.empty() && m_deadlines.front().deadline.hasExpired()) {
        const Deadline expired = m_deadlines.front();
        m_deadlines.pop_front();
        const auto it = m_pending.constFind(expired.descriptor);
        if (it == m_pending.cend() || it->serial != expired.serial)
            continue; // answered or handed off meanwhile
        const bool header = it->stage == Stage::ProxyHeader; // a trusted proxy's
        if (header)
            m_stats.proxyHeaderErrors.fetch_add(1, std::memory_order_relaxed);
        if (const auto pass = admitLogLine()) {
            qCInfo(lcWs).noquote()
                << "closing connection that sent no complete"
                << (header ? "PROXY header" : "request") << "in time" << pass.suppressedNote();
        }
        drop(expired.descriptor);
    }
    while (!m_answering.empty() && m_answering.front().first.hasExpired()) {
        if (QTcpSocket *socket = m_answering.front().second)
            socket->abort();
        m_answering.pop_front();
    }
    if (m_deadlines.empty() && m_answering.empty())
        m_sweep.stop();
}

// At most LogLimiter's rate of lines about refused connections; the others
// are counted, and the next line that passes says how many.
LogLimiter::Pass WsAcceptor::admitLogLine()
{
    const LogLimiter::Pass pass = m_refusalLog.admit();
    if (!pass)
        m_stats.logLinesSuppressed.fetch_add(1, std::memory_order_relaxed);
    return pass;
}

} // namespace Herald
