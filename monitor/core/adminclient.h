#pragma once

#include "admin/adminevent.h"
#include "admin/adminhello.h"
#include "admin/adminsessionrecord.h"
#include "adminendpoint.h"
#include "backoff.h"
#include "commandresult.h"
#include "handshakeprobe.h"
#include "snapshotassembler.h"
#include "statssample.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QWebSocket>

namespace Herald {

// The admin channel of one herald-server (docs/admin-protocol.md), as typed
// signals. Keeps the connection up: after a drop it reconnects with backoff and
// delivers a fresh snapshot, which replaces whatever the receiver held. Stops
// retrying only when the server refuses the token (401) or has no admin
// channel (404): then state() is Refused and errorString() says why.
class AdminClient : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Disconnected, // never opened, or close() was called
        Connecting, // WebSocket upgrade under way, or waiting for "hello"
        Syncing, // hello received; the snapshot is arriving
        Live, // snapshot applied; events and stats flow
        Waiting, // the connection dropped; retrying after a backoff delay
        Refused, // token refused or no admin channel: no more retries
    };
    Q_ENUM(State)

    explicit AdminClient(QObject *parent = nullptr);
    ~AdminClient() override;

    void setBackoff(const Backoff &backoff) { m_backoff = backoff; }
    // A connection that delivers no frame for this long is dropped and retried
    // (the server sends stats every second).
    void setStallTimeout(int ms) { m_stallTimer.setInterval(ms); }

    void open(const AdminEndpoint &endpoint);
    void close();

    State state() const { return m_state; }
    const AdminEndpoint &endpoint() const { return m_endpoint; }
    const AdminHello &hello() const { return m_hello; }
    QString errorString() const { return m_errorString; }
    int retryDelayMs() const { return m_retryTimer.interval(); }
    int retryRemainingMs() const { return m_retryTimer.remainingTime(); } // -1 when not waiting
    int attempts() const { return m_backoff.attempts(); }

    // Each command returns its id; commandFinished() carries the answer.
    qint64 sendCommand(const QString &command, const QJsonObject &arguments = {});
    qint64 notifyUsers(const QStringList &users, const QString &event, const QJsonValue &data);
    qint64 disconnectSession(const QString &sessionId);
    qint64 disconnectUser(const QString &user);
    qint64 resync();

Q_SIGNALS:
    void stateChanged(Herald::AdminClient::State state);
    void helloReceived(const Herald::AdminHello &hello);
    // A complete snapshot: the receiver replaces everything it holds with it.
    void snapshotReceived(const QList<Herald::AdminSessionRecord> &sessions);
    void eventsReceived(const QList<Herald::AdminEvent> &events);
    // A "session_counters" frame, by session id: only sessions whose counters
    // changed. Ids the receiver does not list are to be ignored.
    void countersReceived(const QHash<QString, Herald::AdminSessionCounters> &counters);
    void statsReceived(const Herald::StatsSample &stats);
    void commandFinished(const Herald::CommandResult &result);
    // An "error" frame: the server could not use something this client sent.
    void serverError(const QString &code, const QString &message);

private:
    void setState(State state);
    void connectSocket();
    void onConnected();
    void onDisconnected();
    void onProbeFinished(HandshakeProbe::Verdict verdict, const QString &detail);
    void scheduleRetry(const QString &reason);
    void onTextMessage(const QString &text);
    void dispatch(const QString &type, const QJsonObject &frame);
    void onHello(const QJsonObject &frame);
    void onSnapshot(const QJsonObject &frame);
    void onEvents(const QJsonObject &frame);
    void onCounters(const QJsonObject &frame);
    void onResult(const QJsonObject &frame);
    void failPendingCommands(const QString &code, const QString &message);

    AdminEndpoint m_endpoint;
    QWebSocket m_socket;
    HandshakeProbe m_probe;
    Backoff m_backoff;
    QTimer m_retryTimer;
    QTimer m_stallTimer;
    SnapshotAssembler m_snapshot;
    AdminHello m_hello;
    State m_state = State::Disconnected;
    QString m_errorString;
    bool m_handshakeDone = false;
    qint64 m_nextCommandId = 1;
    QHash<qint64, QString> m_pending; // command id -> command name
};

} // namespace Herald
