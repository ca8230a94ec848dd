#pragma once

#include "acceptloop.h"
#include "loglimiter.h"
#include "ws/proxypolicy.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

#include <deque>
#include <optional>

class QSocketNotifier;
class QTcpSocket;

namespace Herald {

class HandshakeGate;
class ServerStats;
class SessionSlots;
class WorkerPool;
struct GateDecision;
struct HandshakeRequest;

// The public listener. Accepts each connection itself (so that running out
// of descriptors pauses accepting instead of spinning on accept()), reads
// its request head, lets the gate decide, and either answers over HTTP and
// closes, or passes the raw descriptor and the bytes read to the user's
// worker thread. Sockets never live in this thread past their first request,
// so the thread serving the push API stays light.
//
// A connection waiting for the rest of its head costs nothing until bytes
// arrive: what arrives is read (not peeked again), and one sweep, walking
// deadlines in arrival order, closes the ones out of time. There are at most
// maxHandshakes of them, and maxHandshakesPerAddress from one client address.
//
// Stages of a connection, each on the bytes the one before left:
//   1. the PROXY header, from trusted proxies when proxy_protocol is on (ProxyPolicy):
//      it names the client, which is then counted per address; a trusted peer counts
//      only against maxHandshakes before that (and after, if it named no client). It
//      is read to its last byte and no further, so what follows stays in the kernel;
//   2. with TLS (requireTls()), the first byte: a TLS record goes to a TlsIntake
//      (which does stage 3 there), anything else gets 400 tls_required;
//   3. the HTTP request head: Forwarded / X-Forwarded-For from a trusted sender name
//      the client for the session and the logs (not for the per-address count, which
//      was taken before the head was known).
class WsAcceptor : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        int handshakeTimeoutMs = 10000;
        int maxHandshakes = 1024;
        int maxHandshakesPerAddress = 64;
    };

    WsAcceptor(const HandshakeGate &gate, WorkerPool &pool, SessionSlots &slots, ServerStats &stats,
               Limits limits, ProxyPolicy proxies = {}, QObject *parent = nullptr);
    ~WsAcceptor() override;

    // wss://: a connection whose first byte opens a TLS record goes to the
    // pool's TLS intakes; any other is answered 400 tls_required in plain HTTP.
    // It still counts against max_handshakes(_per_address) until the intake is
    // done with it. Call before listen().
    void requireTls() { m_tls = true; }

    bool listen(const QHostAddress &address, quint16 port);
    bool isListening() const { return m_listener.isListening(); }
    quint16 serverPort() const { return m_listener.serverPort(); }
    QString errorString() const { return m_listener.errorString(); }
    void stop(); // stops listening and drops connections still being read
    // A reload: the limits apply to connections accepted from now on. After a shorter
    // timeout, a connection accepted earlier may keep the sweep from ones behind it until
    // its own (older) deadline.
    void setLimits(Limits limits);

private:
    enum class Stage { ProxyHeader, Head };
    struct Pending
    {
        QSocketNotifier *notifier = nullptr;
        QByteArray received; // of the current stage: a stage removes what it consumed
        QHostAddress address; // the TCP peer
        quint16 port = 0;
        quint64 serial = 0;
        Stage stage = Stage::Head;
        QHostAddress client; // as the PROXY header and then Forwarded name it; else the peer
        quint16 clientPort = 0;
        std::optional<QHostAddress> counted; // the address held in m_pendingPerAddress
    };
    struct Deadline
    {
        QDeadlineTimer deadline;
        qintptr descriptor;
        quint64 serial; // tells a reused descriptor number from the one that expired
    };

    static int sweepIntervalMs(const Limits &limits);
    void acceptPaused(int error);
    void admit(int descriptor, const QHostAddress &address, quint16 port);
    void refuseAtOnce(int descriptor, const QHostAddress &address, const char *why);
    void onReadable(qintptr descriptor);
    void sniffTls(qintptr descriptor);
    void onTlsIntakeFinished(const QHostAddress &address);
    void forgetAddress(const QHostAddress &address);
    bool readProxyHeader(qintptr descriptor, Pending &pending);
    bool holdAddressPlace(Pending &pending);
    void closeAtOnce(qintptr descriptor, const char *why);
    void takeForwarded(Pending &pending, const HandshakeRequest &request);
    void decide(qintptr descriptor, qsizetype headLength);
    void answer(qintptr descriptor, const GateDecision &decision,
                const HandshakeRequest *request = nullptr);
    void handOff(qintptr descriptor, const GateDecision &decision, const HandshakeRequest &request,
                 qsizetype headLength);
    void drop(qintptr descriptor);
    Pending release(qintptr descriptor); // forgets the descriptor without closing it
    void sweep();
    LogLimiter::Pass admitLogLine();

    const HandshakeGate &m_gate;
    WorkerPool &m_pool;
    SessionSlots &m_slots;
    ServerStats &m_stats;
    Limits m_limits;
    ProxyPolicy m_proxies;
    QTcpServer m_listener; // binds and listens; accepting is done here
    AcceptLoop m_accepting;
    QHash<qintptr, Pending> m_pending;
    QHash<QHostAddress, int> m_pendingPerAddress;
    std::deque<Deadline> m_deadlines; // in arrival order: all have the same timeout
    std::deque<std::pair<QDeadlineTimer, QPointer<QTcpSocket>>> m_answering;
    quint64 m_serial = 0;
    bool m_tls = false;
    int m_tlsInFlight = 0; // given to a TLS intake, which has not finished with them yet
    QByteArray m_scratch; // what one recv() may read
    QTimer m_sweep;
    LogLimiter m_refusalLog;
};

} // namespace Herald
