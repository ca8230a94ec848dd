#pragma once

// admin/: the admin channel herald-monitor speaks (docs/admin-protocol.md): gate,
// hub, commands and the event feed, with frames from shared/admin. May include
// push/, ws/, store/ and config/; never api/.

#include "admin/adminhello.h"
#include "admin/adminsessionrecord.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

class QWebSocket;

namespace Herald {

class AdminCommands;
class AdminFeed;
class ServerStats;
class SessionDirectory;
struct ServerConfig;

// The admin channel's connections, in the main thread: each gets a hello and
// a snapshot of all sessions (in batches, one per event-loop turn, so 20k
// sessions never block the push API), then coalesced live events every
// flush interval and a stats frame every second; its commands go to
// AdminCommands. See docs/admin-protocol.md. A client with more than
// maxBufferBytes queued is closed with 1008 "slow consumer" and aborted if
// its close frame is not out within closeGraceMs.
class AdminHub : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int snapshotBatch = 1000;
        int flushMs = 100;
        int statsMs = 1000;
        int countersMs = 5000;
        qint64 maxBufferBytes = 8 * 1024 * 1024;
        int closeGraceMs = 3000;
    };

    AdminHub(const ServerConfig &config, QString epoch, SessionDirectory &directory,
             ServerStats &stats, AdminFeed &feed, AdminCommands &commands, Settings settings,
             QObject *parent = nullptr);
    ~AdminHub() override;

    void adopt(std::unique_ptr<QWebSocket> socket);
    // A reload: heartbeat_s in the hello of clients connecting from now on, and
    // max_admin_buffer for every client's next frame.
    void reconfigure(const ServerConfig &config);
    qsizetype clientCount() const { return m_clients.size(); }

private:
    void remove(QWebSocket *socket);
    void detach(QWebSocket *socket);
    void closeSlowConsumer(QWebSocket *socket);
    void sendSnapshot(QWebSocket *socket);
    void sendBatch(QWebSocket *socket, std::shared_ptr<const QList<AdminSessionRecord>> sessions,
                   qsizetype offset);
    void onFrame(QWebSocket *socket, const QString &text);
    void flushEvents();
    void sendStats();
    void sendCounters();
    void sendAll(const QJsonObject &frame);
    void send(QWebSocket *socket, const QJsonObject &frame);
    void sendText(QWebSocket *socket, const QString &text);

    AdminHello m_hello;
    SessionDirectory &m_directory;
    ServerStats &m_stats;
    AdminFeed &m_feed;
    AdminCommands &m_commands;
    Settings m_settings;
    QList<QWebSocket *> m_clients;
    QTimer m_flush;
    QTimer m_statsTimer;
    QTimer m_countersTimer;
    QHash<QString, std::pair<quint64, qint64>> m_sentCounters; // per session: frames, last pong
    QElapsedTimer m_sinceStats;
    quint64 m_lastPushes = 0;
    quint64 m_lastFrames = 0;
    quint64 m_lastBytes = 0;
};

} // namespace Herald
