#pragma once

#include "ws/sessioninfo.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

#include <limits>
#include <memory>

class QWebSocket;

namespace Herald {

class ClientConnection;
class Replay;

// One live browser connection, owned by its worker thread. Knows its socket,
// where it stands in its user's stream, what it has queued, and its
// heartbeat and rate state; the worker decides what to send and when to cut.
//
// A session starts Opening: frames pushed before the store has answered (and
// the welcome and any replay are sent) are held, then released in order by
// goLive(). Stream frames carry their seq; one at or below the last seq sent
// is a duplicate of a replayed one and is dropped.
//
// Everything queued for the client counts against one budget: the socket's
// write queue (frames, replay, pongs QtWebSockets writes by itself, close)
// plus the frames held while opening. The send functions return false when
// a frame took the session over it; the caller then closes the session.
class Session : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        qint64 maxQueuedBytes = 1024 * 1024;
        int framesPerSecond = 20;
    };

    Session(QWebSocket *socket, ClientConnection *raw, SessionInfo info, Limits limits,
            QObject *parent = nullptr);
    ~Session() override;

    const SessionInfo &info() const { return m_info; }
    QWebSocket *socket() const { return m_socket; }
    ClientConnection *raw() const { return m_raw; }
    bool isLive() const { return m_live; }
    qint64 lastSeq() const { return m_lastSeq; } // the highest seq sent, or known at goLive()
    bool isClosing() const { return m_closing; }
    void markClosing() { m_closing = true; }
    // StoreService::openSession() was called for it: its close must be told to the store.
    bool isOpenInStore() const { return m_openInStore; }
    void markOpenInStore() { m_openInStore = true; }

    // What its token says (PendingConnection): the key max_sessions_per_token counts by, and
    // when it expires (ms since the epoch; 0: never).
    void setToken(const QString &key, qint64 expiresAtMs)
    {
        m_tokenKey = key;
        m_tokenExpiresAtMs = expiresAtMs;
    }
    const QString &tokenKey() const { return m_tokenKey; }
    qint64 tokenExpiresAtMs() const { return m_tokenExpiresAtMs; }

    // seq > 0: a stored notification of the user's stream; 0: any other frame.
    bool deliver(qint64 seq, const QString &frame);
    // Sends at once, even while opening (welcome, replay, resumed).
    bool sendNow(const QString &frame, qint64 seq = 0);
    // Releases the held frames newer than \a seenUpTo and goes live.
    bool goLive(qint64 seenUpTo);

    quint64 framesSent() const
    {
        return m_info.counters->framesSent.load(std::memory_order_relaxed);
    }
    qint64 queuedBytes() const;
    bool overBudget() const { return queuedBytes() > m_limits.maxQueuedBytes; }
    qint64 budget() const { return m_limits.maxQueuedBytes; }

    // Heartbeat: ping() marks the session as owing a pong; only the pong
    // that echoes this ping's payload clears it (an unsolicited pong proves
    // nothing about reading).
    bool awaitingPong() const { return m_awaitingPong; }
    void ping();
    // True when bytes were queued at this check and the last one, and none
    // went out in between: the client does not read.
    bool stalledSinceLastCheck();

    // Token bucket for client frames: false when the client is over its rate.
    bool admitClientFrames(int count);

    // A resume replay in progress, or null.
    Replay *replay() const { return m_replay.get(); }
    // \a pacing (a connection to the socket's bytesWritten, which feeds the
    // replay as the client reads) lives as long as the replay: most sessions
    // never replay and need not pay for it.
    void setReplay(std::unique_ptr<Replay> replay, QMetaObject::Connection pacing = {});

    // Unread frames, at most one per interval: what to do with the next one.
    enum class Unread { Send, Hold, Merged, Unchanged };
    Unread offerUnread(const QString &frame, qint64 nowMs, int intervalMs);
    // The held unread frame once its interval is over (empty if none is due).
    QString takeDueUnread(qint64 nowMs, int intervalMs);
    bool holdsUnread() const { return !m_heldUnread.isEmpty(); }
    void setSentUnread(const QString &frame) { m_sentUnread = frame; }

private:
    struct Held
    {
        qint64 seq;
        QString frame;
    };

    QWebSocket *m_socket;
    ClientConnection *m_raw;
    SessionInfo m_info;
    Limits m_limits;
    QString m_tokenKey;
    qint64 m_tokenExpiresAtMs = 0;
    QList<Held> m_held;
    qint64 m_heldBytes = 0;
    qint64 m_lastSeq = 0;
    bool m_live = false;
    bool m_closing = false;
    bool m_openInStore = false;
    bool m_awaitingPong = false;
    QByteArray m_pingPayload;
    quint64 m_pings = 0;
    qint64 m_queuedAtCheck = 0;
    qint64 m_writtenSinceCheck = 0;
    double m_tokens;
    double m_ratePerMs;
    double m_burst;
    QElapsedTimer m_refill;
    std::unique_ptr<Replay> m_replay;
    QMetaObject::Connection m_replayPacing;
    QString m_sentUnread;
    QString m_heldUnread;
    qint64 m_sentUnreadAtMs = std::numeric_limits<qint64>::min() / 2;
};

} // namespace Herald
