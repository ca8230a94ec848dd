#pragma once

#include "loglimiter.h"
#include "ws/expiryschedule.h"
#include "ws/pendingconnection.h"
#include "ws/readcursors.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <atomic>
#include <optional>

class QTcpSocket;
class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace Herald {

class AdminFeed;
class ClientConnection;
class TlsClientSocket;
class Session;
class SessionDirectory;
class SessionSlots;
class ServerStats;
class StoreService;
class UnreadCoalescer;
struct ClientFrame;
struct SessionStart;

// Owns the sessions of the users hashed to it, in its own thread: finishes
// their WebSocket handshakes, delivers frames to them and cuts the ones that
// stop answering pings, stop reading or misbehave (README, "WebSocket
// limits"). Every public function must run in the worker's thread
// (WorkerPool posts them there).
class Worker : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int heartbeatMs = 30000;
        int handshakeTimeoutMs = 10000;
        qint64 maxIncomingMessageBytes = 64 * 1024;
        qint64 maxSessionBufferBytes = 1024 * 1024; // past it: 1008 "slow consumer"
        int clientFramesPerSecond = 20;
        int unreadCoalesceMs = 250;
        int maxSessionsPerUser = 32;
        int maxSessionsPerToken = 0; // by the token's sid or jti; 0: no limit
        bool enforceTokenExpiry = false; // close with 4002 when the token's exp passes
        int closeGraceMs = 3000; // a closed session's socket is aborted after this
        int replayPageSize = 16; // notifications fetched per replay page
        // With a broker a node can miss a message: a live session whose next seq skips
        // one is closed with 1013, to resume.
        bool closeOnSeqGap = false;
    };

    Worker(int index, Settings settings, SessionDirectory &directory, ServerStats &stats,
           StoreService &store, AdminFeed &feed, SessionSlots &slots);
    ~Worker() override;

    void start(); // creates the per-thread objects; call in the worker thread
    // A reload: limits apply to what happens from now on (sessions opened, frames sent);
    // no open session is closed for them. A new heartbeat interval restarts the sweep.
    // Turning enforce_token_expiry on covers the sessions opened from now on; turning it
    // off spares the open ones too.
    void reconfigure(const Settings &settings);
    // Takes over a connection that holds a session slot; gives the slot back
    // when its socket is gone.
    void adopt(const PendingConnection &connection);
    // Takes over a TLS connection whose handshake and request head a TlsIntake
    // has done (in any worker's thread; \a socket was moved to this one).
    void adoptEncrypted(TlsClientSocket *socket, const PendingConnection &connection);
    // Stored notifications: each user's frame gets that user's seq.
    void deliverStored(const QList<std::pair<QString, qint64>> &targets, const QString &frame);
    // Frames outside the stream (live-only pushes).
    void deliver(const QStringList &users, const QString &frame);
    // The user's new unread count: at most one frame per session per
    // unread_coalesce_ms, none when it repeats what the session has.
    void deliverUnread(const QString &user, qint64 unread, qint64 readUpTo);
    void broadcast(const QString &frame);
    void disconnectSession(const QString &sessionId);
    void disconnectUser(const QString &user);
    void closeBehind(const QHash<QString, qint64> &seqs); // see WorkerPool::closeBehind
    // Refuses new sessions and closes the open ones with 1012 "service restart",
    // in even slices over \a drainMs (0: all at once). drained() follows once
    // every session is closed and its close frame is out (or its grace is over).
    void shutdown(int drainMs = 0);
    // During a drain: closes the sessions still open at once.
    void hurry();

Q_SIGNALS:
    void drained();

private:
    struct Handshake
    {
        PendingConnection connection;
        QDeadlineTimer deadline;
        QPointer<QTcpSocket> socket;
        ClientConnection *client = nullptr; // the same object as socket, while that lives
        QMetaObject::Connection closeWatch; // forgets the handshake if the client goes
    };
    enum class Linger { Grace, None };

    void beginHandshake(QTcpSocket *socket, ClientConnection *client,
                        const PendingConnection &connection);
    int maintenanceIntervalMs() const;
    void onHandshakeDone();
    void openSession(QWebSocket *socket, const Handshake &handshake);
    void watch(Session *session);
    void startSession(const QString &sessionId, const SessionStart &start,
                      const std::optional<ResumePoint> &resume);
    void pumpReplay(Session *session);
    void fetchReplayPage(Session *session);
    void finishResume(Session *session, bool ok, qint64 seq);
    void goLive(Session *session, qint64 seq);
    bool sendNow(Session *session, const QString &frame, qint64 seq = 0);
    void sendTo(Session *session, qint64 seq, const QString &frame);
    void onFramesScanned(Session *session);
    void afterRead(Session *session);
    void onClientFrame(Session *session, const QString &text);
    void handleClientFrame(Session *session, const ClientFrame &frame);
    void sweepHeartbeats();
    int heartbeatSlices() const;
    bool overTokenLimit(const Session *session) const;
    void scheduleExpiry(Session *session);
    void armExpiryTimer();
    void closeExpired();
    void maintain();
    void keepMaintaining();
    void cut(Session *session, int code, const QString &reason, std::atomic<quint64> &counter);
    void cutSlowConsumer(Session *session);
    void terminate(Session *session, int code, const QString &reason, Linger linger);
    LogLimiter::Pass admitLogLine();
    bool retire(Session *session);
    void closeSession(Session *session);
    void drainSlice();
    void reportIfDrained();
    static QString peerKey(const QString &address, quint16 port);

    int m_index;
    Settings m_settings;
    SessionDirectory &m_directory;
    ServerStats &m_stats;
    StoreService &m_store;
    AdminFeed &m_feed;
    SessionSlots &m_slots;
    QWebSocketServer *m_server = nullptr;
    QTimer *m_heartbeat = nullptr;
    static constexpr int MaxHeartbeatSlices = 30;
    quint64 m_heartbeatTick = 0; // sweeps so far: the slice due is m_heartbeatTick % slices
    QTimer *m_maintenance = nullptr; // handshake deadlines and lingering closes
    QTimer *m_expiry = nullptr; // single shot, at the earliest token expiry
    qint64 m_expiryArmedAtMs = 0; // when m_expiry fires, ms since the epoch
    ExpirySchedule m_expiries;
    UnreadCoalescer *m_unread = nullptr;
    QHash<QString, Handshake> m_handshaking; // by peer address:port
    QHash<QString, Session *> m_sessions;
    QHash<QString, QList<Session *>> m_sessionsByUser;
    QHash<Session *, QDeadlineTimer> m_lingering; // closed, waiting for the close frame to go out
    ReadCursors m_cursors;
    LogLimiter m_cutLog; // lines about sessions a client can make the server cut
    bool m_shuttingDown = false;
    QTimer *m_drainTimer = nullptr; // closes a slice of the sessions each tick
    QDeadlineTimer m_drainEnd;
    QElapsedTimer m_sinceSlice;
    double m_drainShare = 0.5; // sessions due to close, not yet closed: rounds, not truncates
    bool m_drainReported = false;
};

} // namespace Herald
