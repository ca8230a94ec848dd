#pragma once

#include "loglimiter.h"
#include "ws/pendingconnection.h"
#include "ws/proxypolicy.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <functional>

namespace Herald {

class HandshakeGate;
class ServerStats;
class SessionSlots;
class TlsClientSocket;
class TlsContext;
struct GateDecision;
struct HandshakeRequest;

// The first steps of a wss:// connection, in one worker thread: the TLS
// server handshake and reading the request head, which the gate then
// decides on like the acceptor does for plain connections. A refusal is
// answered over TLS; an upgrade is handed, with its socket, to the user's
// worker. Every worker thread has one, and the acceptor deals connections out
// to them in turn, so handshakes (the costly part of TLS) run on all cores.
//
// It holds at most what the acceptor sent it (max_handshakes in all): each
// connection for at most the handshake timeout, with at most a 16 KiB head.
class TlsIntake : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int handshakeTimeoutMs = 10000;
        qint64 maxIncomingMessageBytes = 64 * 1024;
    };
    // A connection the acceptor hands over: its TCP peer, the client a trusted proxy's
    // PROXY header named (else the peer), and the address whose handshake place it holds
    // (null: none), given back with finished().
    struct Arrival
    {
        qintptr descriptor = -1;
        QHostAddress peer;
        quint16 peerPort = 0;
        QHostAddress client;
        quint16 clientPort = 0;
        QHostAddress counted;
    };
    // Gets an upgrade: \a socket has no parent and lives in this thread.
    using HandOff = std::function<void(TlsClientSocket *socket, const PendingConnection &)>;

    TlsIntake(const HandshakeGate &gate, const TlsContext &tls, ProxyPolicy proxies,
              SessionSlots &slots, ServerStats &stats, Settings settings, HandOff handOff);
    ~TlsIntake() override;

    // Takes an accepted descriptor whose next byte is a TLS handshake record.
    void take(const Arrival &arrival);

Q_SIGNALS:
    // A connection taken is no longer being read (answered, handed off, failed or
    // timed out): the handshake place it held for \a counted is free.
    void finished(const QHostAddress &counted);

private:
    struct Pending
    {
        Arrival arrival;
        QDeadlineTimer deadline;
    };

    void onReadable(TlsClientSocket *socket);
    void decide(TlsClientSocket *socket, const QByteArray &head);
    void takeForwarded(TlsClientSocket *socket, const HandshakeRequest &request);
    void answer(TlsClientSocket *socket, const GateDecision &decision, const QString &what = {});
    void handOff(TlsClientSocket *socket, const GateDecision &decision, const QByteArray &head,
                 const QString &userAgent);
    void fail(TlsClientSocket *socket, const QString &why);
    Pending release(TlsClientSocket *socket);
    void sweep();
    LogLimiter::Pass admitLogLine();

    const HandshakeGate &m_gate;
    const TlsContext &m_tls;
    const ProxyPolicy m_proxies;
    SessionSlots &m_slots;
    ServerStats &m_stats;
    Settings m_settings;
    HandOff m_handOff;
    QHash<TlsClientSocket *, Pending> m_pending;
    QHash<TlsClientSocket *, QDeadlineTimer> m_answering;
    QTimer m_sweep;
    LogLimiter m_log;
};

} // namespace Herald
