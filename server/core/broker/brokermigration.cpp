#include "broker/brokermigration.h"

#include "broker/redisconnection.h"
#include "broker/redisstore.h"
#include "store/sqlitestore.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <iterator>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr int Batch = 500; // commands per round trip, members per ZADD
constexpr int ConflictsShown = 5;

// Runs \a commands in round trips of Batch; false and *error at the first failure or
// error reply.
bool runAll(RedisConnection &redis, const QList<QList<QByteArray>> &commands, QString *error)
{
    for (qsizetype from = 0; from < commands.size(); from += Batch) {
        const std::vector<RedisReply> replies = redis.pipeline(commands.mid(from, Batch), error);
        if (replies.empty())
            return false;
        for (const RedisReply &reply : replies) {
            if (reply->type == REDIS_REPLY_ERROR) {
                *error = u"the broker refused a write: "_s + RedisConnection::text(reply.get());
                return false;
            }
        }
    }
    return true;
}

} // namespace

int BrokerMigration::Report::exitCode() const
{
    return kind == Kind::Done ? 0 : kind == Kind::Refused ? 3 : 1;
}

BrokerMigration::BrokerMigration(const ServerConfig &config)
    : m_config(config),
      m_prefix(RedisStore::Settings().prefix),
      m_path(QDir(config.dataDir).absoluteFilePath(u"herald.sqlite3"_s))
{ }

QByteArray BrokerMigration::key(const char *kind, const QString &name) const
{
    return m_prefix + kind + name.toUtf8();
}

BrokerMigration::Report BrokerMigration::run()
{
    using Kind = Report::Kind;
    QString error;
    if (!read(&error))
        return {Kind::Failed, error};
    RedisConnection redis(*m_config.broker);
    const std::optional<QStringList> found = conflicts(redis, &error);
    if (!found)
        return {Kind::Failed, error};
    if (!found->isEmpty() && !m_config.migrateForce) {
        return {Kind::Refused,
                u"the broker %1 already holds Herald data for this store (%2); nothing was "
                u"written. --migrate-force replaces those users' streams and keys and keeps the "
                u"broker's epoch"_s.arg(m_config.broker->display(), found->join(u", "_s))};
    }
    if (!write(redis, &error))
        return {Kind::Failed,
                error
                    + u"; the broker may hold part of the copy: run again with --migrate-force"_s};
    return {Kind::Done, summary()};
}

BrokerMigration::~BrokerMigration() = default;

// Users, their positions and the keys first, so that a store that cannot be read leaves the
// broker untouched.
bool BrokerMigration::read(QString *error)
{
    if (!QFileInfo::exists(m_path)) {
        *error = u"there is no SQLite store at %1 (data_dir)"_s.arg(m_path);
        return false;
    }
    m_store = std::make_unique<SqliteStore>(m_path, SqliteStore::Synchronous::Normal);
    if (!m_store->open(error)) {
        *error = u"cannot open the SQLite store: "_s + *error;
        return false;
    }
    m_epoch = m_store->epoch();
    for (const QString &id : m_store->knownUsers()) {
        const User user{id, m_store->userState(id)};
        if (user.state.lastSeq <= 0) { // the reader answers a failure as an unknown user
            *error = u"cannot read the position of user '%1' from %2"_s.arg(id, m_path);
            return false;
        }
        m_users.append(user);
    }
    QList<SqliteStore::KeptAnswer> answers;
    if (!m_store->keptAnswers(&answers, error))
        return false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const SqliteStore::KeptAnswer &answer : std::as_const(answers)) {
        const qint64 ttl = answer.createdMs + m_config.idempotencyTtlMs - now;
        if (ttl > 0) // an expired key would be forgotten at the next trim anyway
            m_keys.append({answer.key, answer.response, answer.createdMs, ttl});
    }
    return true;
}

// What the broker holds already: the users' hashes and streams, the keys, another epoch.
std::optional<QStringList> BrokerMigration::conflicts(RedisConnection &redis, QString *error)
{
    QList<QList<QByteArray>> commands{{"GET", m_prefix + "epoch"}};
    for (const User &user : std::as_const(m_users))
        commands.append({"EXISTS", key("u:", user.id), key("s:", user.id)});
    for (const Key &kept : std::as_const(m_keys))
        commands.append({"EXISTS", key("key:", kept.key)});
    std::vector<RedisReply> replies;
    for (qsizetype from = 0; from < commands.size(); from += Batch) {
        std::vector<RedisReply> part = redis.pipeline(commands.mid(from, Batch), error);
        if (part.empty())
            return std::nullopt;
        std::move(part.begin(), part.end(), std::back_inserter(replies));
    }
    m_brokerEpoch = RedisConnection::text(replies.front().get());
    QStringList found;
    qsizetype count = 0;
    const auto note = [&](const QString &what) {
        if (++count <= ConflictsShown)
            found.append(what);
    };
    if (!m_brokerEpoch.isEmpty() && m_brokerEpoch != m_epoch)
        note(u"its epoch %1, where this store's is %2"_s.arg(m_brokerEpoch, m_epoch));
    for (qsizetype i = 0; i < m_users.size(); ++i) {
        if (replies.at(size_t(1 + i))->integer > 0)
            note(u"user '%1'"_s.arg(m_users.at(i).id));
    }
    for (qsizetype i = 0; i < m_keys.size(); ++i) {
        if (replies.at(size_t(1 + m_users.size() + i))->integer > 0)
            note(u"idempotency key '%1'"_s.arg(m_keys.at(i).key));
    }
    if (count > ConflictsShown)
        found.append(u"and %1 more"_s.arg(count - ConflictsShown));
    return found;
}

// The layout of RedisStore (docs/broker.md "Keys"); the epoch only where there is none, so
// that nodes already running on this broker keep theirs.
bool BrokerMigration::write(RedisConnection &redis, QString *error)
{
    if (!runAll(redis, {{"SET", m_prefix + "epoch", m_epoch.toLatin1(), "NX"}}, error))
        return false;
    for (const User &user : std::as_const(m_users)) {
        if (!writeUser(redis, user, error))
            return false;
    }
    QList<QList<QByteArray>> commands;
    for (const Key &kept : std::as_const(m_keys)) {
        commands.append({"SET", key("key:", kept.key), 'R' + kept.response, "PX",
                         QByteArray::number(kept.ttlMs)});
        commands.append(
            {"ZADD", m_prefix + "keys", QByteArray::number(kept.createdMs), kept.key.toUtf8()});
    }
    return runAll(redis, commands, error);
}

bool BrokerMigration::writeUser(RedisConnection &redis, const User &user, QString *error)
{
    const QList<StoredNotification> rows
        = m_store->since(user.id, 0, std::numeric_limits<int>::max());
    // The reader answers a failure as an empty stream: check that the stream is whole.
    const bool whole = rows.isEmpty() ? user.state.oldestSeq == 0
                                      : (rows.constFirst().seq == user.state.oldestSeq
                                         && rows.constLast().seq <= user.state.lastSeq);
    if (!whole) {
        *error = u"cannot read the stream of user '%1' from %2"_s.arg(user.id, m_path);
        return false;
    }
    const QByteArray hash = key("u:", user.id);
    const QByteArray stream = key("s:", user.id);
    QList<QList<QByteArray>> commands{{"DEL", hash, stream},
                                      {"HSET", hash, "last", QByteArray::number(user.state.lastSeq),
                                       "read", QByteArray::number(user.state.readCursor)},
                                      {"SADD", m_prefix + "users", user.id.toUtf8()}};
    for (qsizetype from = 0; from < rows.size(); from += Batch) {
        QList<QByteArray> zadd{"ZADD", stream};
        for (const StoredNotification &row : rows.mid(from, Batch))
            zadd << QByteArray::number(row.seq) << RedisStore::member(row);
        commands.append(zadd);
    }
    m_notifications += rows.size();
    return runAll(redis, commands, error);
}

QString BrokerMigration::summary() const
{
    const QString epoch = m_brokerEpoch.isEmpty() || m_brokerEpoch == m_epoch
        ? u"epoch %1 kept: clients resume across the move"_s.arg(m_epoch)
        : u"the broker's epoch %1 kept: this node's clients reload instead of resuming"_s.arg(
            m_brokerEpoch);
    return u"migrated %1 users, %2 notifications and %3 idempotency keys from %4 into %5; %6"_s.arg(
        QString::number(m_users.size()), QString::number(m_notifications),
        QString::number(m_keys.size()), m_path, m_config.broker->display(), epoch);
}

} // namespace Herald
