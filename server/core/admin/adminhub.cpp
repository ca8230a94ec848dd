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
#include "cluster/clusterpresence.h"
#include "clusteradminwatch.h"
#include "config/serverconfig.h"
#include "frames.h"
#include "logging.h"
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
              config.broker                                         ? u"redis"_s
                  : config.store == ServerConfig::StoreKind::Memory ? u"memory"_s
                                                                    : u"sqlite"_s},
      m_directory(directory),
      m_stats(stats),
      m_feed(feed),
      m_commands(commands),
      m_settings(settings),
      m_board(3 * settings.statsMs)
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
    if (!m_presence)
        m_feed.setEnabled(false);
    qDeleteAll(m_clients);
}

void AdminHub::setCluster(const QString &node, ClusterPresence *presence,
                          const BrokerAddress &broker)
{
    m_node = node;
    m_presence = presence;
    m_watch = std::make_unique<ClusterAdminWatch>(broker);
    connect(m_watch.get(), &ClusterAdminWatch::watching, this, &AdminHub::onWatching);
    connect(m_watch.get(), &ClusterAdminWatch::lost, this, &AdminHub::onWatchLost);
    connect(m_watch.get(), &ClusterAdminWatch::announced, this, &AdminHub::onAnnounced);
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
    if (!m_statsTimer.isActive()) {
        if (m_watch) {
            m_watch->start(); // the announcements carry the events
        } else {
            m_feed.setEnabled(true); // before the snapshot: no change falls between the two
            m_flush.start();
        }
        m_statsTimer.start();
        m_countersTimer.start();
        m_sampler.reset(m_stats.toJson(m_directory));
    }
    send(socket, m_hello.toJson());
    if (m_watch && !m_watch->isWatching()) {
        m_awaitingWatch.append(socket);
        QTimer::singleShot(m_settings.watchTimeoutMs, socket, [this, socket] {
            if (!m_awaitingWatch.removeOne(socket))
                return;
            // No subscription yet: what this client sees now may miss events, so it
            // resyncs (an overflow) once the subscription is there.
            m_watchLost = true;
            send(socket,
                 AdminError{u"broker_unavailable"_s,
                            u"The broker does not answer: the cluster view is paused"_s}
                     .toJson());
            sendSnapshot(socket, {}, true);
        });
    } else {
        sendSnapshot(socket);
    }
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
    m_awaitingWatch.removeOne(socket);
    qCInfo(lcAdmin) << "admin disconnected";
    if (m_clients.isEmpty()) {
        m_flush.stop();
        m_statsTimer.stop();
        m_countersTimer.stop();
        m_sentCounters.clear();
        if (m_watch) {
            m_watch->stop();
            m_watchLost = false;
            m_board.clear();
        } else {
            m_feed.setEnabled(false);
        }
    }
}

// In a cluster, every node's sessions from the registry; this node's alone (and an error
// frame saying so) when the broker does not answer.
void AdminHub::sendSnapshot(QWebSocket *socket, std::function<void(qsizetype total)> counted,
                            bool toldUnavailable)
{
    const auto local = [this] {
        auto sessions = std::make_shared<QList<AdminSessionRecord>>();
        for (const SessionInfo &info : m_directory.page(0, std::numeric_limits<qsizetype>::max()))
            sessions->append(info.record());
        return sessions;
    };
    if (!m_presence) {
        const auto sessions = local();
        if (counted)
            counted(sessions->size());
        return sendBatch(socket, sessions, 0);
    }
    m_presence->snapshot(
        this, [this, socket, counted, local, toldUnavailable](std::optional<ClusterSnapshot> all) {
            if (!m_clients.contains(socket))
                return;
            std::shared_ptr<QList<AdminSessionRecord>> sessions;
            if (all) {
                sessions = std::make_shared<QList<AdminSessionRecord>>(all->sessions());
            } else {
                if (!toldUnavailable)
                    send(socket,
                         AdminError{
                             u"broker_unavailable"_s,
                             u"The broker does not answer: showing this node's sessions only"_s}
                             .toJson());
                sessions = local();
                for (AdminSessionRecord &record : *sessions)
                    record.node = m_node;
            }
            if (counted)
                counted(sessions->size());
            sendBatch(socket, sessions, 0);
        });
}

void AdminHub::onWatching()
{
    const QList<QWebSocket *> waiting = std::exchange(m_awaitingWatch, {});
    for (QWebSocket *socket : waiting)
        sendSnapshot(socket);
    if (std::exchange(m_watchLost, false)) {
        qCInfo(lcAdmin) << "cluster announcements are back: admin clients resync";
        // What was announced meanwhile is lost: a client resyncs on an overflow.
        sendAll(AdminEventBatch{{AdminEvent::overflow(0)}}.toJson());
    }
}

void AdminHub::onWatchLost()
{
    m_watchLost = true;
    qCWarning(lcAdmin) << "cluster announcements lost: the broker connection dropped";
    sendAll(AdminError{u"broker_unavailable"_s,
                       u"The broker does not answer: the cluster view is paused"_s}
                .toJson());
}

void AdminHub::onAnnounced(const QJsonObject &message)
{
    if (const QJsonObject stats = message.value(AdminType::Stats).toObject(); !stats.isEmpty())
        m_board.update(stats);
    const std::optional<AdminEventBatch> batch = AdminEventBatch::fromJson(message);
    if (batch && !batch->events.isEmpty())
        sendAll(batch->toJson());
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
        return sendSnapshot(socket, [answer](qsizetype count) {
            QJsonObject total;
            total.insert(AdminKey::Total, double(count));
            answer(AdminCommandResult::success(total));
        });
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
    AdminStats frame = m_sampler.sample(m_stats.toJson(m_directory));
    if (m_watch)
        frame = m_board.compose(std::move(frame), m_node);
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
