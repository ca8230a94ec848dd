#include "adminhub.h"

#include "admin/admincommand.h"
#include "admin/admincommandresult.h"
#include "admin/admincountersbatch.h"
#include "admin/adminerror.h"
#include "admin/admineventbatch.h"
#include "admin/adminkeys.h"
#include "admin/adminsnapshotbatch.h"
#include "admin/adminstats.h"
#include "admincommands.h"
#include "adminfeed.h"
#include "config/serverconfig.h"
#include "frames.h"
#include "logging.h"
#include "processinfo.h"
#include "serverstats.h"
#include "ws/sessiondirectory.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminHub::AdminHub(const ServerConfig &config, QString epoch, SessionDirectory &directory,
                   ServerStats &stats, AdminFeed &feed, AdminCommands &commands, Settings settings,
                   QObject *parent)
    : QObject(parent),
      m_hello{u"herald-server"_s, QCoreApplication::applicationVersion(), epoch,
              config.heartbeatMs / 1000.0,
              config.store == ServerConfig::StoreKind::Memory ? u"memory"_s : u"sqlite"_s},
      m_directory(directory),
      m_stats(stats),
      m_feed(feed),
      m_commands(commands),
      m_settings(settings)
{
    m_flush.setInterval(m_settings.flushMs);
    connect(&m_flush, &QTimer::timeout, this, &AdminHub::flushEvents);
    m_statsTimer.setInterval(m_settings.statsMs);
    connect(&m_statsTimer, &QTimer::timeout, this, &AdminHub::sendStats);
    m_countersTimer.setInterval(m_settings.countersMs);
    connect(&m_countersTimer, &QTimer::timeout, this, &AdminHub::sendCounters);
}

AdminHub::~AdminHub()
{
    m_feed.setEnabled(false);
    qDeleteAll(m_clients);
}

void AdminHub::reconfigure(const ServerConfig &config)
{
    m_hello.heartbeatSeconds = config.heartbeatMs / 1000.0;
    m_settings.maxBufferBytes = config.maxAdminBufferBytes;
}

void AdminHub::adopt(std::unique_ptr<QWebSocket> owned)
{
    QWebSocket *socket = owned.release();
    socket->setParent(this);
    m_clients.append(socket);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { remove(socket); });
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onFrame(socket, text); });
    qCInfo(lcAdmin).noquote() << "admin connected from" << socket->peerAddress().toString();
    if (!m_flush.isActive()) {
        m_feed.setEnabled(true); // before the snapshot: no change falls between the two
        m_flush.start();
        m_statsTimer.start();
        m_countersTimer.start();
        m_sinceStats.start();
        m_lastPushes = m_stats.notifications + m_stats.broadcasts;
        m_lastFrames = m_stats.framesSent;
        m_lastBytes = m_stats.bytesSent;
    }
    send(socket, m_hello.toJson());
    sendSnapshot(socket);
}

void AdminHub::remove(QWebSocket *socket)
{
    socket->deleteLater();
    detach(socket);
}

// Nothing more is sent to the client.
void AdminHub::detach(QWebSocket *socket)
{
    if (!m_clients.removeOne(socket))
        return;
    qCInfo(lcAdmin) << "admin disconnected";
    if (m_clients.isEmpty()) {
        m_flush.stop();
        m_statsTimer.stop();
        m_countersTimer.stop();
        m_sentCounters.clear();
        m_feed.setEnabled(false);
    }
}

void AdminHub::sendSnapshot(QWebSocket *socket)
{
    auto sessions = std::make_shared<QList<AdminSessionRecord>>();
    for (const SessionInfo &info : m_directory.page(0, std::numeric_limits<qsizetype>::max()))
        sessions->append(info.record());
    sendBatch(socket, sessions, 0);
}

// One batch per event-loop turn; stops if the client has gone.
void AdminHub::sendBatch(QWebSocket *socket,
                         std::shared_ptr<const QList<AdminSessionRecord>> sessions,
                         qsizetype offset)
{
    if (!m_clients.contains(socket))
        return;
    const qsizetype end = std::min(sessions->size(), offset + m_settings.snapshotBatch);
    send(socket,
         AdminSnapshotBatch{sessions->mid(offset, end - offset), sessions->size(),
                            end == sessions->size()}
             .toJson());
    if (end < sessions->size()) {
        QMetaObject::invokeMethod(
            this, [this, socket, sessions, end] { sendBatch(socket, sessions, end); },
            Qt::QueuedConnection);
    }
}

void AdminHub::onFrame(QWebSocket *socket, const QString &text)
{
    if (!m_clients.contains(socket))
        return; // closing
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const std::optional<AdminCommand> command = AdminCommand::fromJson(frame);
    if (!command) {
        return send(
            socket,
            AdminError{u"invalid_frame"_s, u"Expected a JSON object of type command"_s}.toJson());
    }
    const auto answer = [this, socket, id = command->id](const AdminCommandResult &outcome) {
        if (!m_clients.contains(socket))
            return;
        AdminCommandResult result = outcome;
        result.id = id;
        send(socket, result.toJson());
    };
    if (command->command == u"resync"_s) {
        QJsonObject total;
        total.insert(AdminKey::Total, double(m_directory.sessionCount()));
        answer(AdminCommandResult::success(total));
        return sendSnapshot(socket);
    }
    m_commands.run(frame, answer);
}

void AdminHub::flushEvents()
{
    AdminFeed::Batch batch = m_feed.take();
    AdminEventBatch frame{std::move(batch.events)};
    if (batch.dropped > 0)
        frame.events.append(AdminEvent::overflow(batch.dropped));
    if (!frame.events.isEmpty())
        sendAll(frame.toJson());
}

void AdminHub::sendStats()
{
    const double seconds = std::max<qint64>(1, m_sinceStats.restart()) / 1000.0;
    const quint64 pushes = m_stats.notifications + m_stats.broadcasts;
    const quint64 frames = m_stats.framesSent;
    const quint64 bytes = m_stats.bytesSent;
    // The totals of /api/v1/stats always read: they carry "sessions".
    AdminStats frame = AdminStats::fromJson(m_stats.toJson(m_directory)).value_or(AdminStats{});
    frame.pushesPerSecond = double(pushes - m_lastPushes) / seconds;
    frame.framesPerSecond = double(frames - m_lastFrames) / seconds;
    frame.bytesPerSecond = double(bytes - m_lastBytes) / seconds;
    frame.rssBytes = qint64(ProcessInfo::residentBytes());
    frame.timestamp = QDateTime::currentDateTimeUtc();
    m_lastPushes = pushes;
    m_lastFrames = frames;
    m_lastBytes = bytes;
    sendAll(frame.toJson());
}

// Frames sent and last pong of the sessions whose figures moved since the
// last tick, in frames of at most one snapshot batch.
void AdminHub::sendCounters()
{
    QHash<QString, std::pair<quint64, qint64>> current;
    QList<AdminCountersBatch::Entry> changed;
    for (const SessionInfo &info : m_directory.page(0, std::numeric_limits<qsizetype>::max())) {
        if (!info.counters)
            continue;
        const std::pair<quint64, qint64> figures{info.counters->framesSent.load(),
                                                 info.counters->lastPongMs.load()};
        current.insert(info.id, figures);
        if (m_sentCounters.value(info.id) != figures)
            changed.append({info.id, info.liveCounters()});
    }
    m_sentCounters = std::move(current);
    for (qsizetype offset = 0; offset < changed.size(); offset += m_settings.snapshotBatch)
        sendAll(AdminCountersBatch{changed.mid(offset, m_settings.snapshotBatch)}.toJson());
}

void AdminHub::sendAll(const QJsonObject &frame)
{
    const QString text = QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
    const QList<QWebSocket *> clients = m_clients; // a slow one leaves the list
    for (QWebSocket *socket : clients)
        sendText(socket, text);
}

void AdminHub::send(QWebSocket *socket, const QJsonObject &frame)
{
    sendText(socket, QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

// A frame larger than the whole budget may still go out alone.
void AdminHub::sendText(QWebSocket *socket, const QString &text)
{
    if (!m_clients.contains(socket))
        return;
    const bool wasEmpty = socket->bytesToWrite() == 0;
    socket->sendTextMessage(text);
    if (!wasEmpty && socket->bytesToWrite() > m_settings.maxBufferBytes)
        closeSlowConsumer(socket);
}

void AdminHub::closeSlowConsumer(QWebSocket *socket)
{
    m_stats.adminSlowConsumerCloses.fetch_add(1, std::memory_order_relaxed);
    qCWarning(lcAdmin).noquote() << "closing admin client from" << socket->peerAddress().toString()
                                 << "(slow consumer:" << socket->bytesToWrite() << "bytes queued)";
    detach(socket);
    socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"slow consumer"_s);
    QTimer::singleShot(m_settings.closeGraceMs, socket, &QWebSocket::abort);
}

} // namespace Herald
