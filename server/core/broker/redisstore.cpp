#include "broker/redisstore.h"

#include "broker/brokermessage.h"
#include "broker/redisscripts.h"
#include "jsontext.h"
#include "logging.h"
#include "notification.h"

#include <QMap>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

// Trimmed in batches, so that no single script holds Redis for long.
constexpr int TrimBatch = 200;

QByteArray number(qint64 value)
{
    return QByteArray::number(value);
}

QByteArray replyBytes(const redisReply *reply)
{
    return reply && reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
}

// Reads "<length>:<text>" at *pos and moves past it.
std::optional<QByteArray> counted(const QByteArray &bytes, qsizetype *pos)
{
    const qsizetype colon = bytes.indexOf(':', *pos);
    bool ok = false;
    const qsizetype length = colon < 0 ? -1 : bytes.mid(*pos, colon - *pos).toLongLong(&ok);
    if (!ok || length < 0 || colon + 1 + length > bytes.size())
        return std::nullopt;
    *pos = colon + 1 + length;
    return bytes.mid(colon + 1, length);
}

} // namespace

RedisStore::RedisStore(Settings settings)
    : m_settings(std::move(settings)),
      m_channels(m_settings.prefix),
      m_redis(m_settings.address, m_settings.timeoutMs)
{ }

QByteArray RedisStore::key(const char *kind, const QString &name) const
{
    return m_settings.prefix + kind + name.toUtf8();
}

bool RedisStore::open(QString *error)
{
    const QByteArray epochKey = m_settings.prefix + "epoch";
    const std::vector<RedisReply> replies = m_redis.pipeline(
        {{"SET", epochKey, NotificationStore::newEpoch().toLatin1(), "NX"}, {"GET", epochKey}},
        error);
    if (replies.empty())
        return false;
    if (replies.at(1)->type != REDIS_REPLY_STRING) {
        *error = u"the broker did not keep the epoch: %1"_s.arg(
            RedisConnection::text(replies.at(1).get()));
        return false;
    }
    m_epoch = QString::fromLatin1(replyBytes(replies.at(1).get()));
    return true;
}

QByteArray RedisStore::body(const AppendEntry &entry)
{
    const QByteArray id = entry.id.toUtf8();
    const QByteArray event = entry.event.toUtf8();
    return number(NotificationStore::msecsOf(entry.timestamp)) + ':' + number(id.size()) + ':' + id
        + number(event.size()) + ':' + event + entry.data;
}

QByteArray RedisStore::member(const StoredNotification &row)
{
    return number(row.seq) + ':'
        + body(AppendEntry{row.id, row.event, row.data, row.timestamp, {}, {}});
}

std::optional<StoredNotification> RedisStore::fromMember(const QByteArray &member)
{
    const qsizetype seqEnd = member.indexOf(':');
    const qsizetype tsEnd = seqEnd < 0 ? -1 : member.indexOf(':', seqEnd + 1);
    bool seqOk = false, tsOk = false;
    const qint64 seq = member.left(seqEnd).toLongLong(&seqOk);
    const qint64 ts = member.mid(seqEnd + 1, tsEnd - seqEnd - 1).toLongLong(&tsOk);
    if (!seqOk || !tsOk || tsEnd < 0)
        return std::nullopt;
    qsizetype pos = tsEnd + 1;
    const auto id = counted(member, &pos);
    const auto event = id ? counted(member, &pos) : std::nullopt;
    if (!event)
        return std::nullopt;
    return StoredNotification{seq, QString::fromUtf8(*id), QString::fromUtf8(*event),
                              member.mid(pos), QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC)};
}

QList<QByteArray> RedisStore::appendArgs(const QList<AppendEntry> &entries,
                                         const QList<qsizetype> &sent) const
{
    QList<QByteArray> args{m_settings.prefix,
                           m_epoch.toLatin1(),
                           number(std::max(m_settings.historySize, 1)),
                           number(std::max<qint64>(m_settings.idempotencyTtlMs, 1)),
                           m_settings.minReplicas > 0 ? "1" : "0",
                           number(ChannelMap::RoutedUsersMax),
                           number(ChannelMap::TargetsPerMessage),
                           number(sent.size())};
    for (const qsizetype index : sent) {
        const AppendEntry &entry = entries.at(index);
        const Notification notification{entry.id, entry.event,
                                        JsonText::parse(entry.data).value_or(QJsonValue::Null),
                                        entry.timestamp};
        args << entry.idempotencyKey.toUtf8() << number(NotificationStore::msecsOf(entry.timestamp))
             << body(entry) << notification.toFrame().toUtf8() << number(entry.users.size());
        for (const QString &user : entry.users)
            args << user.toUtf8();
    }
    return args;
}

bool RedisStore::append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                        QList<AppendResult> *results, QString *error)
{
    results->clear();
    results->resize(entries.size());
    // A key repeated within the call: the first entry goes to Redis, the others replay it.
    QHash<QString, qsizetype> firstWithKey;
    QList<std::pair<qsizetype, qsizetype>> repeats; // (entry, the first with its key)
    QList<qsizetype> sent;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString &key = entries.at(i).idempotencyKey;
        if (!key.isEmpty() && firstWithKey.contains(key)) {
            repeats.append({i, firstWithKey.value(key)});
            continue;
        }
        if (!key.isEmpty())
            firstWithKey.insert(key, i);
        sent.append(i);
    }
    if (!sent.isEmpty()) {
        const RedisReply reply
            = m_redis.eval(RedisScripts::append(), appendArgs(entries, sent), error);
        if (!reply || !readAppendReply(reply.get(), entries, sent, respond, results, error))
            return false;
        keepAnswers(entries, *results, sent);
    }
    for (const auto &[index, first] : repeats)
        (*results)[index] = AppendResult{true, {}, results->at(first).response, {}};
    if (m_settings.minReplicas > 0)
        confirm(results);
    return true;
}

void RedisStore::setReplicaAcks(int minReplicas, int timeoutMs)
{
    m_settings.minReplicas = minReplicas;
    m_settings.replicaTimeoutMs = timeoutMs;
}

// Everything this connection wrote (the script, the answers) must be on enough replicas
// before any result of the call may be reported accepted.
void RedisStore::confirm(QList<AppendResult> *results)
{
    QString error;
    const int wanted = m_settings.minReplicas;
    const std::optional<qint64> acked = m_redis.wait(wanted, m_settings.replicaTimeoutMs, &error);
    if (acked && *acked >= wanted) {
        if (std::exchange(m_replicasShort, false))
            qCInfo(lcBroker) << "replicas acknowledge the pushes again";
        return;
    }
    const QString why = acked
        ? u"stored on the broker, but %1 of the %2 replicas asked for (broker_min_replicas) "
          u"acknowledged it within %3 ms"_s.arg(QString::number(*acked), QString::number(wanted),
                                                QString::number(m_settings.replicaTimeoutMs))
        : u"possibly stored on the broker, but its replicas could not be asked: "_s + error;
    if (!std::exchange(m_replicasShort, true))
        qCWarning(lcBroker).noquote() << "pushes answered 503 replicas_unavailable:" << why;
    for (AppendResult &result : *results)
        result.unconfirmed = why;
}

bool RedisStore::readAppendReply(const redisReply *reply, const QList<AppendEntry> &entries,
                                 const QList<qsizetype> &sent, const ResponseBuilder &respond,
                                 QList<AppendResult> *results, QString *error)
{
    if (reply->type == REDIS_REPLY_ERROR) {
        const QString why = RedisConnection::text(reply);
        *error = why.startsWith(u"HERALD_EPOCH"_s)
            ? u"the broker's epoch is not this node's (Redis lost or replaced its data): "
              u"restart the nodes, whose clients then reload"_s
            : u"the broker refused the push: "_s + why;
        return false;
    }
    size_t at = 0;
    const auto next = [&]() -> const redisReply * {
        return reply->type == REDIS_REPLY_ARRAY && at < reply->elements ? reply->element[at++]
                                                                        : nullptr;
    };
    for (const qsizetype index : sent) {
        const AppendEntry &entry = entries.at(index);
        AppendResult &result = (*results)[index];
        const QByteArray status = replyBytes(next());
        if (status == "K") {
            const QByteArray kept = replyBytes(next());
            result.replayed = true;
            result.response = kept.startsWith('R') ? kept.mid(1) : QByteArray();
            continue;
        }
        for (const QString &user : entry.users) {
            const redisReply *seq = next();
            if (!seq || seq->type != REDIS_REPLY_INTEGER) {
                *error = u"the broker's answer to a push is malformed"_s;
                return false;
            }
            result.seqs.insert(user, seq->integer);
        }
        result.response = respond(entry, result.seqs);
    }
    return true;
}

// The answers kept with idempotency keys are written once the script has assigned the seqs
// they report; the script left "P" there meanwhile.
void RedisStore::keepAnswers(const QList<AppendEntry> &entries, const QList<AppendResult> &results,
                             const QList<qsizetype> &sent)
{
    QList<QList<QByteArray>> commands;
    for (const qsizetype index : sent) {
        if (entries.at(index).idempotencyKey.isEmpty() || results.at(index).replayed)
            continue;
        commands.append({"SET", key("key:", entries.at(index).idempotencyKey),
                         'R' + results.at(index).response, "XX", "KEEPTTL"});
    }
    QString error;
    if (!commands.isEmpty() && m_redis.pipeline(commands, &error).empty())
        qCWarning(lcBroker).noquote() << "pushes committed, but their idempotency answers "
                                         "could not be kept:"
                                      << error;
}

UserState RedisStore::toState(const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 4) {
        UserState unknown;
        unknown.answered = false;
        return unknown;
    }
    return UserState{reply->element[0]->integer, reply->element[1]->integer,
                     reply->element[2]->integer, reply->element[3]->integer};
}

UserState RedisStore::userState(const QString &user)
{
    QString error;
    const RedisReply reply
        = m_redis.eval(RedisScripts::state(), {m_settings.prefix, user.toUtf8()}, &error);
    return toState(reply.get());
}

QList<StoredNotification> RedisStore::members(const QList<QByteArray> &command, QString *error)
{
    QList<StoredNotification> out;
    QString failure;
    const RedisReply reply = m_redis.command(command, &failure);
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        if (error)
            *error = failure.isEmpty() ? u"the broker answered a read with an error"_s : failure;
        return out;
    }
    for (size_t i = 0; i < reply->elements; ++i) {
        if (const auto row = fromMember(replyBytes(reply->element[i])))
            out.append(*row);
    }
    return out;
}

QList<StoredNotification> RedisStore::since(const QString &user, qint64 afterSeq, int limit,
                                            QString *error)
{
    if (limit <= 0)
        return {};
    return members({"ZRANGEBYSCORE", key("s:", user), '(' + number(afterSeq), "+inf", "LIMIT", "0",
                    number(limit)},
                   error);
}

QList<StoredNotification> RedisStore::history(const QString &user, qint64 beforeSeq,
                                              qint64 afterSeq, int limit, QString *error)
{
    if (limit <= 0)
        return {};
    const QByteArray max = beforeSeq > 0 ? '(' + number(beforeSeq) : QByteArray("+inf");
    return members({"ZREVRANGEBYSCORE", key("s:", user), max, '(' + number(afterSeq), "LIMIT", "0",
                    number(limit)},
                   error);
}

bool RedisStore::markRead(const QString &user, qint64 upTo, QString *error)
{
    const RedisReply reply = m_redis.eval(RedisScripts::markRead(),
                                          {m_settings.prefix, user.toUtf8(), number(upTo)}, error);
    if (reply && reply->type == REDIS_REPLY_ERROR)
        *error = u"the broker refused the read: "_s + RedisConnection::text(reply.get());
    return reply && reply->type == REDIS_REPLY_ARRAY;
}

// One message per user on the user's channel, or on the broadcast channel one for every
// user, or one per ChannelMap::TargetsPerMessage users of a push to more than
// ChannelMap::RoutedUsersMax.
bool RedisStore::publishLive(const QStringList &users, const QString &frame, QString *error)
{
    QList<QList<QByteArray>> commands;
    if (users.isEmpty()) {
        commands.append(
            {"PUBLISH", m_channels.broadcastChannel(), BrokerMessage::live(frame, {}).toBytes()});
    } else if (!ChannelMap::routesPerUser(users.size())) {
        for (qsizetype first = 0; first < users.size(); first += ChannelMap::TargetsPerMessage)
            commands.append(
                {"PUBLISH", m_channels.broadcastChannel(),
                 BrokerMessage::live(frame, users.mid(first, ChannelMap::TargetsPerMessage))
                     .toBytes()});
    } else {
        for (const QString &user : users)
            commands.append({"PUBLISH", m_channels.userChannel(user),
                             BrokerMessage::live(frame, {user}).toBytes()});
    }
    return !m_redis.pipeline(commands, error).empty();
}

// Best effort: when Redis is down the session starts anyway (see userState()).
void RedisStore::noteSession(const QString &user)
{
    QString error;
    m_redis.command({"SADD", m_settings.prefix + "users", user.toUtf8()}, &error);
}

// One HGET per user, pipelined by the thousand.
QHash<QString, qint64> RedisStore::lastSeqs(const QStringList &users, QString *error)
{
    constexpr qsizetype PerPipeline = 1000;
    QHash<QString, qint64> seqs;
    for (qsizetype from = 0; from < users.size(); from += PerPipeline) {
        const QStringList chunk = users.mid(from, PerPipeline);
        QList<QList<QByteArray>> commands;
        for (const QString &user : chunk)
            commands.append({"HGET", key("u:", user), "last"});
        QString failure;
        const std::vector<RedisReply> replies = m_redis.pipeline(commands, &failure);
        if (replies.size() != size_t(chunk.size())) {
            if (error)
                *error = failure;
            return {};
        }
        for (qsizetype i = 0; i < chunk.size(); ++i) {
            const redisReply *reply = replies[size_t(i)].get();
            if (!reply || reply->type == REDIS_REPLY_ERROR) {
                if (error)
                    *error = u"the broker answered a read with an error"_s;
                return {};
            }
            seqs.insert(chunk[i],
                        reply->type == REDIS_REPLY_STRING
                            ? QByteArray(reply->str, qsizetype(reply->len)).toLongLong()
                            : 0);
        }
    }
    return seqs;
}

QStringList RedisStore::knownUsers()
{
    QStringList users;
    QString error;
    const RedisReply reply = m_redis.command({"SMEMBERS", m_settings.prefix + "users"}, &error);
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return users;
    for (size_t i = 0; i < reply->elements; ++i)
        users.append(QString::fromUtf8(replyBytes(reply->element[i])));
    users.sort();
    return users;
}

// Each node's store thread runs it on its own timer; running it twice is harmless.
bool RedisStore::trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
                      QString *error)
{
    m_settings.historySize = keepPerUser;
    if (keysOlderThan.isValid())
        m_settings.idempotencyTtlMs
            = QDateTime::currentMSecsSinceEpoch() - keysOlderThan.toMSecsSinceEpoch();
    const QByteArray cutoff
        = olderThan.isValid() ? number(olderThan.toMSecsSinceEpoch()) : QByteArray();
    const QStringList users = knownUsers();
    for (qsizetype from = 0; from < users.size(); from += TrimBatch) {
        QList<QByteArray> args{m_settings.prefix, number(std::max(keepPerUser, 0)), cutoff};
        for (const QString &user : users.mid(from, TrimBatch))
            args.append(user.toUtf8());
        const RedisReply reply = m_redis.eval(RedisScripts::trim(), args, error);
        if (reply && reply->type == REDIS_REPLY_ERROR)
            *error = RedisConnection::text(reply.get());
        if (!reply || reply->type == REDIS_REPLY_ERROR)
            return false;
    }
    if (!keysOlderThan.isValid())
        return true;
    const RedisReply reply
        = m_redis.eval(RedisScripts::trimKeys(),
                       {m_settings.prefix, number(keysOlderThan.toMSecsSinceEpoch())}, error);
    return reply && reply->type != REDIS_REPLY_ERROR;
}

} // namespace Herald
