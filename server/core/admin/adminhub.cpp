#include "adminhub.h"

#include "admincommands.h"
#include "adminfeed.h"
#include "frames.h"
#include "logging.h"
#include "processinfo.h"
#include "serverconfig.h"
#include "serverstats.h"
#include "sessiondirectory.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminHub::AdminHub(const ServerConfig &config, QString epoch, SessionDirectory &directory,
                   ServerStats &stats, AdminFeed &feed, AdminCommands &commands, Settings settings,
                   QObject *parent)
    : QObject(parent),
      m_hello{{u"type"_s, u"hello"_s},
              {u"server"_s, u"herald-server"_s},
              {u"version"_s, QCoreApplication::applicationVersion()},
              {u"epoch"_s, epoch},
              {u"heartbeat_s"_s, config.heartbeatMs / 1000.0},
              {u"store"_s,
               config.store == ServerConfig::StoreKind::Memory ? u"memory"_s : u"sqlite"_s}},
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
    send(socket, m_hello);
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
    auto sessions = std::make_shared<QList<QJsonObject>>();
    for (const SessionInfo &info : m_directory.page(0, std::numeric_limits<qsizetype>::max()))
        sessions->append(info.toJson());
    sendBatch(socket, sessions, 0);
}

// One batch per event-loop turn; stops if the client has gone.
void AdminHub::sendBatch(QWebSocket *socket, std::shared_ptr<const QList<QJsonObject>> sessions,
                         qsizetype offset)
{
    if (!m_clients.contains(socket))
        return;
    const qsizetype end = std::min(sessions->size(), offset + m_settings.snapshotBatch);
    QJsonArray batch;
    for (qsizetype i = offset; i < end; ++i)
        batch.append(sessions->at(i));
    send(socket,
         {{u"type"_s, u"snapshot"_s},
          {u"sessions"_s, batch},
          {u"total"_s, double(sessions->size())},
          {u"done"_s, end == sessions->size()}});
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
    if (frame.value(u"type"_s).toString() != u"command"_s) {
        return send(socket,
                    QJsonObject{{u"type"_s, u"error"_s},
                                {u"code"_s, u"invalid_frame"_s},
                                {u"message"_s, u"Expected a JSON object of type command"_s}});
    }
    const QJsonValue id = frame.value(u"id"_s);
    const auto answer = [this, socket, id](const QJsonObject &outcome) {
        if (!m_clients.contains(socket))
            return;
        QJsonObject result = outcome;
        result.insert(u"type"_s, u"result"_s);
        result.insert(u"id"_s, id);
        send(socket, result);
    };
    if (frame.value(u"command"_s).toString() == u"resync"_s) {
        answer(AdminCommands::success({{u"total"_s, double(m_directory.sessionCount())}}));
        return sendSnapshot(socket);
    }
    m_commands.run(frame, answer);
}

void AdminHub::flushEvents()
{
    const AdminFeed::Batch batch = m_feed.take();
    QJsonArray events;
    for (const QJsonObject &event : batch.events)
        events.append(event);
    if (batch.dropped > 0)
        events.append(
            QJsonObject{{u"type"_s, u"overflow"_s}, {u"dropped"_s, double(batch.dropped)}});
    if (!events.isEmpty())
        sendAll({{u"type"_s, u"events"_s}, {u"events"_s, events}});
}

void AdminHub::sendStats()
{
    const double seconds = std::max<qint64>(1, m_sinceStats.restart()) / 1000.0;
    const quint64 pushes = m_stats.notifications + m_stats.broadcasts;
    const quint64 frames = m_stats.framesSent;
    const quint64 bytes = m_stats.bytesSent;
    QJsonObject frame = m_stats.toJson(m_directory);
    frame.insert(u"type"_s, u"stats"_s);
    frame.insert(u"pushes_per_s"_s, double(pushes - m_lastPushes) / seconds);
    frame.insert(u"frames_per_s"_s, double(frames - m_lastFrames) / seconds);
    frame.insert(u"bytes_per_s"_s, double(bytes - m_lastBytes) / seconds);
    frame.insert(u"rss_bytes"_s, double(ProcessInfo::residentBytes()));
    frame.insert(u"ts"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    m_lastPushes = pushes;
    m_lastFrames = frames;
    m_lastBytes = bytes;
    sendAll(frame);
}

// Frames sent and last pong of the sessions whose figures moved since the
// last tick, in frames of at most one snapshot batch.
void AdminHub::sendCounters()
{
    QHash<QString, std::pair<quint64, qint64>> current;
    QJsonArray changed;
    for (const SessionInfo &info : m_directory.page(0, std::numeric_limits<qsizetype>::max())) {
        if (!info.counters)
            continue;
        const std::pair<quint64, qint64> figures{info.counters->framesSent.load(),
                                                 info.counters->lastPongMs.load()};
        current.insert(info.id, figures);
        if (m_sentCounters.value(info.id) != figures)
            changed.append(info.countersJson());
    }
    m_sentCounters = std::move(current);
    for (qsizetype offset = 0; offset < changed.size(); offset += m_settings.snapshotBatch) {
        QJsonArray batch;
        for (qsizetype i = offset; i < std::min(changed.size(), offset + m_settings.snapshotBatch);
             ++i)
            batch.append(changed.at(i));
        sendAll({{u"type"_s, u"session_counters"_s}, {u"sessions"_s, batch}});
    }
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
