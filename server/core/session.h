#pragma once

#include "sessioninfo.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

class QWebSocket;

namespace Herald {

// One live browser connection, owned by its worker thread. Knows its socket,
// where it stands in its user's stream, and its heartbeat and rate state; the
// worker decides what to send and when to reap.
//
// A session starts Opening: frames pushed before the store has answered (and
// the welcome and any replay are sent) are held, then released in order by
// goLive(). Stream frames carry their seq; one at or below the last seq sent
// is a duplicate of a replayed one and is dropped.
class Session : public QObject
{
    Q_OBJECT

public:
    Session(QWebSocket *socket, SessionInfo info, int framesPerSecond, QObject *parent = nullptr);

    const SessionInfo &info() const { return m_info; }
    QWebSocket *socket() const { return m_socket; }
    bool isLive() const { return m_live; }

    // seq > 0: a stored notification of the user's stream; 0: any other frame.
    void deliver(qint64 seq, const QString &frame);
    // Sends at once, even while opening (welcome, replay, resumed).
    void sendNow(const QString &frame, qint64 seq = 0);
    // Releases the held frames newer than \a seenUpTo and goes live.
    void goLive(qint64 seenUpTo);

    quint64 framesSent() const { return m_info.counters->framesSent.load(std::memory_order_relaxed); }
    qint64 bufferedBytes() const;

    // Heartbeat: ping() marks the session as owing a pong; a pong clears it.
    bool awaitingPong() const { return m_awaitingPong; }
    void ping();

    // Token bucket for client frames: false when the client is over its rate.
    bool admitClientFrame();

private:
    struct Held
    {
        qint64 seq;
        QString frame;
    };

    QWebSocket *m_socket;
    SessionInfo m_info;
    QList<Held> m_held;
    qint64 m_lastSeq = 0;
    bool m_live = false;
    bool m_awaitingPong = false;
    double m_tokens;
    double m_ratePerMs;
    double m_burst;
    QElapsedTimer m_refill;
};

} // namespace Herald
