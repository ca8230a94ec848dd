#include "cluster/clusterpresence.h"

#include "broker/redisasynclink.h"
#include "eventloopinstaller.h"
#include "logging.h"
#include "ws/sessiondirectory.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QThread>

#include <hiredis/hiredis.h>

#include <limits>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr qsizetype PairsPerCommand = 500; // HSET / HDEL arguments per command
constexpr int GoodbyeTimeoutMs = 1000;
constexpr int ListenersCheckMs = 1000;

QByteArray bytes(const redisReply *reply)
{
    return reply && reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// \a done, called at most once (from the presence thread), posted to \a context's thread.
// The context outlives the presence (HeraldServer stops the presence first).
template<typename... Args>
std::function<void(Args...)> onceIn(QObject *context, std::function<void(Args...)> done)
{
    auto called = std::make_shared<bool>(false);
    return [context, done = std::move(done), called](Args... args) {
        if (std::exchange(*called, true))
            return;
        QMetaObject::invokeMethod(context, [done, args...] { done(args...); });
    };
}

} // namespace

ClusterPresence::ClusterPresence(Settings settings, SessionDirectory &directory, StatsSource stats)
    : m_settings(std::move(settings)), m_directory(directory), m_stats(std::move(stats))
{ }

ClusterPresence::~ClusterPresence()
{
    stop();
}

int ClusterPresence::ttlMs() const
{
    return std::max(1000, 3 * m_settings.heartbeatMs);
}

QByteArray ClusterPresence::key(const QString &kind, const QString &node) const
{
    return u"herald:%1:%2"_s.arg(kind, node).toUtf8();
}

void ClusterPresence::setAnnouncer(Announcer announcer)
{
    m_announcer = std::move(announcer);
}

void ClusterPresence::start()
{
    m_thread = new QThread; // deleted in stop(); not a child: this object moves into it
    m_thread->setObjectName(u"herald-presence"_s);
    EventLoopInstaller::install(*m_thread, m_settings.eventLoop);
    moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(this, [this] { setUp(); });
}

void ClusterPresence::setUp()
{
    m_link = new RedisAsyncLink(m_settings.address, u"presence"_s, this);
    m_control = new RedisAsyncLink(m_settings.address, u"control"_s, this);
    connect(m_link, &RedisAsyncLink::ready, this, &ClusterPresence::resync);
    connect(m_control, &RedisAsyncLink::ready, this, [this] {
        m_control->subscribe(key(u"control"_s, m_settings.node),
                             [this](const QByteArray &payload) { onControl(payload); });
    });
    m_flush = new QTimer(this);
    connect(m_flush, &QTimer::timeout, this, &ClusterPresence::flush);
    m_flush->start(m_settings.flushMs);
    m_heartbeat = new QTimer(this);
    connect(m_heartbeat, &QTimer::timeout, this, &ClusterPresence::beat);
    m_heartbeat->start(m_settings.heartbeatMs);
    if (m_announcer) {
        m_listeners = new QTimer(this);
        connect(m_listeners, &QTimer::timeout, this, &ClusterPresence::countListeners);
        m_listeners->start(ListenersCheckMs);
    }
    m_link->open();
    m_control->open();
}

void ClusterPresence::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(
        this, [this] { tearDown(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

// Leaves the registry at once rather than a TTL later (best effort, bounded).
void ClusterPresence::tearDown()
{
    delete m_flush;
    delete m_heartbeat;
    delete m_listeners;
    m_flush = m_heartbeat = m_listeners = nullptr;
    if (m_link && m_link->isReady()) {
        QEventLoop loop;
        m_link->command({"DEL", key(u"sess"_s, m_settings.node), key(u"node"_s, m_settings.node)});
        m_link->command({"SREM", "herald:nodes", m_settings.node.toUtf8()},
                        [&loop](const redisReply *) { loop.quit(); });
        QTimer::singleShot(GoodbyeTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    delete m_link;
    delete m_control;
    m_link = m_control = nullptr;
}

void ClusterPresence::sessionAdded(const SessionInfo &info)
{
    QMutexLocker locker(&m_pendingLock);
    m_added.insert(info.id, info);
}

void ClusterPresence::sessionRemoved(const SessionInfo &info)
{
    QMutexLocker locker(&m_pendingLock);
    if (m_added.remove(info.id) == 0)
        m_removed.insert(info.id);
}

// A new connection (the first, or after an outage): the registry is rewritten from the
// directory, which has every session the queue could hold.
void ClusterPresence::resync()
{
    QList<SessionInfo> sessions;
    {
        QMutexLocker locker(&m_pendingLock);
        m_added.clear();
        m_removed.clear();
        sessions = m_directory.page(0, std::numeric_limits<qsizetype>::max());
    }
    m_link->command({"DEL", key(u"sess"_s, m_settings.node)});
    writeRecords(sessions);
    beat();
    qCInfo(lcBroker).noquote() << "presence: node" << m_settings.node << "registered"
                               << sessions.size() << "sessions; TTL" << ttlMs() << "ms";
}

// The announcement is taken before the registry's changes and published after them: each
// event it carries is in the registry by the time a subscriber can see the event.
void ClusterPresence::flush()
{
    const QByteArray announcement = m_announcer ? m_announcer(m_listened) : QByteArray();
    if (!m_link || !m_link->isReady())
        return; // kept; resync() rewrites everything once the link is back
    QHash<QString, SessionInfo> added;
    QSet<QString> removed;
    {
        QMutexLocker locker(&m_pendingLock);
        added.swap(m_added);
        removed.swap(m_removed);
    }
    const QByteArray hash = key(u"sess"_s, m_settings.node);
    QByteArrayList del{"HDEL", hash};
    for (const QString &id : std::as_const(removed)) {
        del.append(id.toUtf8());
        if (del.size() == PairsPerCommand + 2) {
            m_link->command(del);
            del = {"HDEL", hash};
        }
    }
    if (del.size() > 2)
        m_link->command(del);
    writeRecords(added.values());
    if (!announcement.isEmpty())
        m_link->command({"PUBLISH", QByteArray(AdminChannel), announcement});
}

void ClusterPresence::countListeners()
{
    m_link->command({"PUBSUB", "NUMSUB", QByteArray(AdminChannel)},
                    [this](const redisReply *reply) {
                        m_listened = reply && reply->type == REDIS_REPLY_ARRAY
                            && reply->elements == 2 && reply->element[1]->integer > 0;
                    });
}

void ClusterPresence::writeRecords(const QList<SessionInfo> &sessions)
{
    if (sessions.isEmpty())
        return;
    const QByteArray hash = key(u"sess"_s, m_settings.node);
    QByteArrayList set{"HSET", hash};
    for (const SessionInfo &info : sessions) {
        AdminSessionRecord record = info.record();
        record.node = m_settings.node;
        set << info.id.toUtf8() << compact(record.toJson());
        if (set.size() >= 2 * PairsPerCommand + 2) {
            m_link->command(set);
            set = {"HSET", hash};
        }
    }
    if (set.size() > 2)
        m_link->command(set);
    // A hash made after the last beat must expire too if this node dies before the next.
    m_link->command({"PEXPIRE", hash, QByteArray::number(ttlMs())});
}

void ClusterPresence::beat()
{
    if (!m_link->isReady())
        return;
    const QByteArray ttl = QByteArray::number(ttlMs());
    const QByteArray node = m_settings.node.toUtf8();
    m_link->command({"SET", key(u"node"_s, m_settings.node), compact(m_stats()), "PX", ttl});
    m_link->command({"SADD", "herald:nodes", node});
    m_link->command({"PEXPIRE", key(u"sess"_s, m_settings.node), ttl});
}

ClusterNode ClusterPresence::localNode() const
{
    ClusterNode node{m_settings.node, m_stats(), {}};
    for (const SessionInfo &info : m_directory.page(0, std::numeric_limits<qsizetype>::max())) {
        AdminSessionRecord record = info.record();
        record.node = m_settings.node;
        node.sessions.append(record);
    }
    return node;
}

void ClusterPresence::snapshot(QObject *context, SnapshotDone done)
{
    QMetaObject::invokeMethod(this, [this, finish = onceIn(context, std::move(done))] {
        QTimer::singleShot(m_settings.queryTimeoutMs, this, [finish] { finish(std::nullopt); });
        gather(finish);
    });
}

void ClusterPresence::gather(SnapshotDone finish)
{
    m_link->command({"SMEMBERS", "herald:nodes"}, [this, finish](const redisReply *reply) {
        if (!reply || reply->type != REDIS_REPLY_ARRAY)
            return finish(std::nullopt);
        QStringList names;
        for (size_t i = 0; i < reply->elements; ++i) {
            const QString name = QString::fromUtf8(bytes(reply->element[i]));
            if (name != m_settings.node)
                names.append(name);
        }
        gatherNodes(names, finish);
    });
}

// One GET (liveness and stats) and one HGETALL per node, pipelined; replies arrive in order.
void ClusterPresence::gatherNodes(const QStringList &names, SnapshotDone finish)
{
    struct Gather
    {
        ClusterSnapshot snapshot;
        qsizetype pending = 0;
        bool failed = false;
        QByteArrayList dead;
    };
    auto state = std::make_shared<Gather>();
    state->snapshot.nodes.append(localNode());
    state->pending = names.size();
    if (names.isEmpty()) {
        state->snapshot.finish();
        return finish(state->snapshot);
    }
    for (const QString &name : names) {
        auto node = std::make_shared<ClusterNode>();
        m_link->command({"GET", key(u"node"_s, name)}, [node, state, name](const redisReply *r) {
            if (!r) {
                state->failed = true;
            } else if (r->type == REDIS_REPLY_STRING) {
                node->name = name;
                node->stats = QJsonDocument::fromJson(bytes(r)).object();
            }
        });
        m_link->command(
            {"HGETALL", key(u"sess"_s, name)},
            [this, node, state, name, finish](const redisReply *r) {
                if (!r || r->type != REDIS_REPLY_ARRAY)
                    state->failed = true;
                else if (node->name.isEmpty())
                    state->dead.append(name.toUtf8());
                else {
                    for (size_t i = 1; i < r->elements; i += 2) {
                        const QJsonObject json
                            = QJsonDocument::fromJson(bytes(r->element[i])).object();
                        if (auto record = AdminSessionRecord::fromJson(json)) {
                            record->node = name;
                            node->sessions.append(*record);
                        }
                    }
                    state->snapshot.nodes.append(*node);
                }
                if (--state->pending > 0)
                    return;
                if (state->failed)
                    return finish(std::nullopt);
                if (!state->dead.isEmpty())
                    m_link->command(QByteArrayList{"SREM", "herald:nodes"} + state->dead);
                state->snapshot.finish();
                finish(state->snapshot);
            });
    }
}

void ClusterPresence::publish(const QString &node, const QJsonObject &message,
                              std::function<void(bool)> done)
{
    if (node == m_settings.node) {
        onControl(compact(message));
        return done(true);
    }
    m_link->command({"PUBLISH", key(u"control"_s, node), compact(message)},
                    [done](const redisReply *reply) {
                        done(reply && reply->type == REDIS_REPLY_INTEGER && reply->integer > 0);
                    });
}

void ClusterPresence::kickSession(const QString &id, QObject *context, KickDone done)
{
    QMetaObject::invokeMethod(this, [this, id, finish = onceIn(context, std::move(done))] {
        QTimer::singleShot(m_settings.queryTimeoutMs, this,
                           [finish] { finish(Outcome::Unavailable, {}); });
        gather([this, id, finish](std::optional<ClusterSnapshot> snapshot) {
            if (!snapshot)
                return finish(Outcome::Unavailable, {});
            const std::optional<AdminSessionRecord> record = snapshot->session(id);
            if (!record)
                return finish(Outcome::NotFound, {});
            publish(record->node, {{u"kick"_s, id}}, [finish, record](bool delivered) {
                finish(delivered ? Outcome::Kicked : Outcome::Unavailable, *record);
            });
        });
    });
}

void ClusterPresence::kickUser(const QString &user, QObject *context, KickUserDone done)
{
    QMetaObject::invokeMethod(this, [this, user, finish = onceIn(context, std::move(done))] {
        QTimer::singleShot(m_settings.queryTimeoutMs, this, [finish] { finish(std::nullopt); });
        gather([this, user, finish](std::optional<ClusterSnapshot> snapshot) {
            if (!snapshot)
                return finish(std::nullopt);
            qsizetype count = 0;
            for (const ClusterNode &node : std::as_const(snapshot->nodes)) {
                const auto mine = std::count_if(node.sessions.cbegin(), node.sessions.cend(),
                                                [&user](const auto &r) { return r.user == user; });
                if (mine > 0)
                    publish(node.name, {{u"kick_user"_s, user}}, [](bool) {});
                count += mine;
            }
            finish(count);
        });
    });
}

void ClusterPresence::onControl(const QByteArray &payload)
{
    const QJsonObject message = QJsonDocument::fromJson(payload).object();
    if (const QString id = message.value(u"kick"_s).toString(); !id.isEmpty())
        Q_EMIT kickRequested(id);
    else if (const QString user = message.value(u"kick_user"_s).toString(); !user.isEmpty())
        Q_EMIT userKickRequested(user);
    else
        qCWarning(lcBroker) << "unreadable control message ignored:" << payload.left(200);
}

} // namespace Herald
