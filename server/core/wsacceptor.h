#pragma once

#include <QDeadlineTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

class QSocketNotifier;

namespace Herald {

class HandshakeGate;
class ServerStats;
class WorkerPool;
struct GateDecision;

// The public listener. Reads each new connection's request head with MSG_PEEK
// (leaving it in the kernel for the worker's WebSocket handshake), lets the
// gate decide, and either answers over HTTP and closes, or passes the raw
// descriptor to the user's worker thread. Sockets never live in this thread
// past their first request, so the thread serving the push API stays light.
class WsAcceptor : public QTcpServer
{
    Q_OBJECT

public:
    WsAcceptor(const HandshakeGate &gate, WorkerPool &pool, ServerStats &stats,
               int handshakeTimeoutMs, QObject *parent = nullptr);
    ~WsAcceptor() override;

    void stop(); // stops listening and drops connections still being read

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Pending
    {
        QSocketNotifier *notifier = nullptr;
        QDeadlineTimer deadline;
    };

    void onReadable(qintptr descriptor);
    void answer(qintptr descriptor, qsizetype headLength, const GateDecision &decision);
    void handOff(qintptr descriptor, const GateDecision &decision, const QByteArray &userAgent);
    void drop(qintptr descriptor);
    void release(qintptr descriptor); // forgets the descriptor without closing it
    void sweep();

    const HandshakeGate &m_gate;
    WorkerPool &m_pool;
    ServerStats &m_stats;
    int m_handshakeTimeoutMs;
    QHash<qintptr, Pending> m_pending;
    QTimer m_sweep;
};

} // namespace Herald
