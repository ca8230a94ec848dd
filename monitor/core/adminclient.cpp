#include "adminclient.h"

#include "admin/admincommand.h"
#include "admin/admincountersbatch.h"
#include "admin/adminerror.h"
#include "admin/admineventbatch.h"
#include "admin/adminkeys.h"
#include "admin/adminsnapshotbatch.h"
#include "logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminClient::AdminClient(QObject *parent) : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    m_stallTimer.setSingleShot(true);
    m_stallTimer.setInterval(10000);
    connect(&m_retryTimer, &QTimer::timeout, this, &AdminClient::connectSocket);
    connect(&m_stallTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcMonitorClient)
            << "no frame for" << m_stallTimer.interval() << "ms; reconnecting";
        m_errorString = tr("The server stopped sending");
        m_socket.abort();
    });
    // Qt 6.4 has no QWebSocket::errorOccurred; error() is the overloaded signal.
    connect(&m_socket, &QWebSocket::connected, this, &AdminClient::onConnected);
    connect(&m_socket, &QWebSocket::disconnected, this, &AdminClient::onDisconnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &AdminClient::onTextMessage);
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this] {
        qCDebug(lcMonitorClient) << "socket error:" << m_socket.errorString();
        m_errorString = m_socket.errorString();
    });
    connect(&m_probe, &HandshakeProbe::finished, this, &AdminClient::onProbeFinished);
}

AdminClient::~AdminClient()
{
    // The socket's destructor reports a disconnect; nothing here may hear it.
    m_socket.disconnect(this);
    m_socket.abort();
}

void AdminClient::open(const AdminEndpoint &endpoint)
{
    close();
    m_endpoint = endpoint;
    m_backoff.reset();
    m_errorString.clear();
    connectSocket();
}

void AdminClient::close()
{
    setState(State::Disconnected);
    m_retryTimer.stop();
    m_stallTimer.stop();
    m_probe.abort();
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.close(QWebSocketProtocol::CloseCodeNormal, u"operator closed the console"_s);
    else
        m_socket.abort();
    failPendingCommands(u"disconnected"_s, tr("The connection was closed"));
}

void AdminClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    qCDebug(lcMonitorClient) << "state" << state;
    Q_EMIT stateChanged(state);
}

void AdminClient::connectSocket()
{
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort(); // a stale socket: its disconnected() is ignored while Waiting
    setState(State::Connecting);
    m_handshakeDone = false;
    QNetworkRequest request(m_endpoint.webSocketUrl());
    request.setRawHeader("Authorization", "Bearer " + m_endpoint.token);
    m_socket.open(request);
}

// The upgrade succeeded: from now on a drop is the server's doing, not a refusal.
void AdminClient::onConnected()
{
    m_handshakeDone = true;
    m_stallTimer.start();
}

void AdminClient::onDisconnected()
{
    m_stallTimer.stop();
    failPendingCommands(u"disconnected"_s, tr("The connection dropped"));
    if (m_state != State::Connecting && m_state != State::Syncing && m_state != State::Live)
        return; // closed on purpose, or already retrying
    if (!m_handshakeDone) {
        m_probe.probe(m_endpoint); // was it the token, or the server?
        return;
    }
    const QString reason = m_socket.closeReason();
    scheduleRetry(reason.isEmpty() ? tr("The connection dropped") : reason);
}

void AdminClient::onProbeFinished(HandshakeProbe::Verdict verdict, const QString &detail)
{
    if (m_state != State::Connecting)
        return;
    if (verdict == HandshakeProbe::Verdict::Unauthorized) {
        m_errorString = tr("The server refused the admin token (401)");
        setState(State::Refused);
    } else if (verdict == HandshakeProbe::Verdict::NotEnabled) {
        m_errorString = tr("The server has no admin channel (404): start it with an admin token");
        setState(State::Refused);
    } else {
        scheduleRetry(m_errorString.isEmpty() ? detail : m_errorString);
    }
}

void AdminClient::scheduleRetry(const QString &reason)
{
    m_errorString = reason;
    const int delay = m_backoff.nextDelayMs();
    qCInfo(lcMonitorClient) << "retrying in" << delay << "ms:" << reason;
    m_retryTimer.start(delay);
    setState(State::Waiting);
}

void AdminClient::onTextMessage(const QString &text)
{
    m_stallTimer.start();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (!document.isObject()) {
        qCWarning(lcMonitorClient)
            << "ignoring a frame that is not a JSON object:" << error.errorString();
        return;
    }
    const QJsonObject frame = document.object();
    dispatch(frame.value(AdminKey::Type).toString(), frame);
}

void AdminClient::dispatch(const QString &type, const QJsonObject &frame)
{
    if (type == AdminType::Hello)
        onHello(frame);
    else if (type == AdminType::Snapshot)
        onSnapshot(frame);
    else if (type == AdminType::Events)
        onEvents(frame);
    else if (type == AdminType::SessionCounters)
        onCounters(frame);
    else if (type == AdminType::Stats) {
        if (const auto stats = StatsSample::fromJson(frame, QDateTime::currentDateTimeUtc()))
            Q_EMIT statsReceived(*stats);
    } else if (type == AdminType::Result)
        onResult(frame);
    else if (const auto error = AdminError::fromJson(frame))
        Q_EMIT serverError(error->code, error->message);
    else
        qCDebug(lcMonitorClient) << "ignoring frame of unknown type" << type;
}

void AdminClient::onHello(const QJsonObject &frame)
{
    m_hello = AdminHello::fromJson(frame).value_or(AdminHello{});
    m_backoff.reset();
    m_errorString.clear();
    m_snapshot.begin();
    setState(State::Syncing);
    Q_EMIT helloReceived(m_hello);
}

void AdminClient::onSnapshot(const QJsonObject &frame)
{
    if (!m_snapshot.isAssembling())
        m_snapshot.begin(); // a sequence this client did not ask for: still a full snapshot
    const AdminSnapshotBatch batch
        = AdminSnapshotBatch::fromJson(frame).value_or(AdminSnapshotBatch{});
    if (!m_snapshot.addBatch(batch.sessions, batch.done))
        return;
    // The snapshot replaces; events held back meanwhile then apply on top of it.
    Q_EMIT snapshotReceived(m_snapshot.takeSessions());
    const QList<AdminEvent> held = m_snapshot.takeHeldEvents();
    const QHash<QString, AdminSessionCounters> heldCounters = m_snapshot.takeHeldCounters();
    setState(State::Live);
    if (!held.isEmpty())
        Q_EMIT eventsReceived(held);
    // Last: sessions that opened while the snapshot was on its way now have rows.
    if (!heldCounters.isEmpty())
        Q_EMIT countersReceived(heldCounters);
}

void AdminClient::onEvents(const QJsonObject &frame)
{
    const QList<AdminEvent> events
        = AdminEventBatch::fromJson(frame).value_or(AdminEventBatch{}).events;
    const bool overflow = std::any_of(events.cbegin(), events.cend(), [](const AdminEvent &event) {
        return event.kind == AdminEvent::Kind::Overflow;
    });
    if (m_snapshot.isAssembling())
        m_snapshot.holdEvents(events);
    else if (!events.isEmpty())
        Q_EMIT eventsReceived(events);
    if (overflow && !m_snapshot.isAssembling())
        resync(); // events were lost: only a fresh snapshot is trustworthy
}

void AdminClient::onCounters(const QJsonObject &frame)
{
    QHash<QString, AdminSessionCounters> counters;
    const auto batch = AdminCountersBatch::fromJson(frame).value_or(AdminCountersBatch{});
    for (const AdminCountersBatch::Entry &entry : batch.sessions)
        counters[entry.id] = counters.value(entry.id).newest(entry.counters);
    if (m_snapshot.isAssembling())
        m_snapshot.holdCounters(counters);
    else if (!counters.isEmpty())
        Q_EMIT countersReceived(counters);
}

void AdminClient::onResult(const QJsonObject &frame)
{
    auto result = CommandResult::fromJson(frame);
    if (!result)
        return;
    result->command = m_pending.take(result->id);
    Q_EMIT commandFinished(*result);
}

qint64 AdminClient::sendCommand(const QString &command, const QJsonObject &arguments)
{
    const qint64 id = m_nextCommandId++;
    // Every id gets exactly one commandFinished, later, even when nothing was
    // sent: callers record the id first and never wait forever.
    if (m_state != State::Syncing && m_state != State::Live) {
        QTimer::singleShot(0, this, [this, id, command] {
            CommandResult result
                = CommandResult::failure(id, u"not_connected"_s, tr("Not connected to a server"));
            result.command = command;
            Q_EMIT commandFinished(result);
        });
        return id;
    }
    const AdminCommand frame{id, command, arguments};
    m_pending.insert(id, command);
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(frame.toJson()).toJson(QJsonDocument::Compact)));
    return id;
}

qint64 AdminClient::notifyUsers(const QStringList &users, const QString &event,
                                const QJsonValue &data)
{
    return sendCommand(
        u"notify"_s,
        {{u"users"_s, QJsonArray::fromStringList(users)}, {u"event"_s, event}, {u"data"_s, data}});
}

qint64 AdminClient::disconnectSession(const QString &sessionId)
{
    return sendCommand(u"disconnect_session"_s, {{u"session"_s, sessionId}});
}

qint64 AdminClient::disconnectUser(const QString &user)
{
    return sendCommand(u"disconnect_user"_s, {{u"user"_s, user}});
}

qint64 AdminClient::resync()
{
    const qint64 id = sendCommand(u"resync"_s);
    if (m_state == State::Live) {
        m_snapshot.begin();
        setState(State::Syncing);
    }
    return id;
}

// Answers cannot arrive over a new connection: commands in flight have failed.
void AdminClient::failPendingCommands(const QString &code, const QString &message)
{
    const auto pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
        CommandResult result = CommandResult::failure(it.key(), code, message);
        result.command = it.value();
        Q_EMIT commandFinished(result);
    }
}

} // namespace Herald
