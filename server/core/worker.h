#pragma once

#include "pendingconnection.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace Herald {

class AdminFeed;
class Session;
class SessionDirectory;
class ServerStats;
class StoreService;
struct ClientFrame;
struct SessionStart;

// Owns the sessions of the users hashed to it, in its own thread: finishes
// their WebSocket handshakes, delivers frames to them and reaps the ones that
// stop answering pings. Every public function must run in the worker's thread
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
        qint64 maxBufferedBytes = 8 * 1024 * 1024; // a slower reader is dropped
        int clientFramesPerSecond = 20;
    };

    Worker(int index, Settings settings, SessionDirectory &directory, ServerStats &stats,
           StoreService &store, AdminFeed &feed);
    ~Worker() override;

    void start(); // creates the per-thread objects; call in the worker thread
    void adopt(const PendingConnection &connection);
    // Stored notifications: each user's frame gets that user's seq.
    void deliverStored(const QList<std::pair<QString, qint64>> &targets, const QString &frame);
    // Frames outside the stream (live-only pushes, unread counts).
    void deliver(const QStringList &users, const QString &frame);
    void broadcast(const QString &frame);
    void disconnectSession(const QString &sessionId);
    void disconnectUser(const QString &user);
    // Closes every session with 1001 and refuses new ones; drained() follows.
    void shutdown();

Q_SIGNALS:
    void drained();

private:
    void onHandshakeDone();
    void openSession(QWebSocket *socket, const PendingConnection &connection);
    void startSession(const QString &sessionId, const SessionStart &start);
    void closeSession(Session *session);
    void sendTo(Session *session, qint64 seq, const QString &frame);
    void onClientFrame(Session *session, const QString &text);
    void handleClientFrame(Session *session, const ClientFrame &frame);
    void sweepHeartbeats();
    void terminate(Session *session, int code, const QString &reason);
    static QString peerKey(const QString &address, quint16 port);

    int m_index;
    Settings m_settings;
    SessionDirectory &m_directory;
    ServerStats &m_stats;
    StoreService &m_store;
    AdminFeed &m_feed;
    QWebSocketServer *m_server = nullptr;
    QTimer *m_heartbeat = nullptr;
    QHash<QString, PendingConnection> m_handshaking; // by peer address:port
    QHash<QString, Session *> m_sessions;
    QHash<QString, QList<Session *>> m_sessionsByUser;
    bool m_shuttingDown = false;
};

} // namespace Herald
