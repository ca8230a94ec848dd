#pragma once

// broker/: the Redis broker of a cluster of herald-server nodes: RedisStore keeps every
// user's stream in Redis (run by StoreService in the store thread, the only thread that
// makes blocking Redis calls) and RedisSubscriber hands what any node committed to this
// node's sessions through StoreSink. It may include store/ and config/; never ws/, api/
// or admin/ (tests/structure/includes.cmake checks it): HeraldServer wires it.

#include "broker/channelmap.h"
#include "broker/redisconnection.h"
#include "config/brokeraddress.h"
#include "store/notificationstore.h"

namespace Herald {

/*
    A NotificationStore in Redis, shared by every node of a cluster. Keys (prefix
    "herald:"):
      epoch         the cluster's epoch, made once with SET NX
      u:<user>      hash: last (the seq counter), read (the read cursor)
      s:<user>      sorted set of the stream: score seq, member "<seq>:<body>"
                    (a sorted set, not a Stream: seqs are ours and exact, since/history
                    are ZRANGEBYSCORE windows and unread is ZCOUNT above the cursor)
      users         set of the users that have a stream or opened a session on some
                    node (knownUsers: a stored broadcast reaches them on every node)
      key:<key>     an idempotency key's kept answer, "R<answer>" ("P" while the script's
                    caller has not written it yet), with a PX TTL of idempotency_ttl
      keys          sorted set of idempotency keys by the push's timestamp, for trim()
    One Lua script per append() call assigns the seqs, appends, trims by history_size,
    records the keys and PUBLISHes each entry once per user on the user's channel, or once
    on the broadcast channel for more than ChannelMap::RoutedUsersMax users (see
    ChannelMap, BrokerMessage). Age (history_ttl) is enforced by trim().

    With setReplicaAcks(n > 0), every append() ends with WAIT n: when fewer replicas
    acknowledge it in time, every result of the call is marked unconfirmed (the pushes are
    in the master and published all the same). Replays too: the script writes their key
    again, so that the WAIT covers the push they replay.

    Where the interface leaves room: a failure after the script ran (the answer of an
    idempotent push could not be written) is logged and the append reported done, since
    it is committed and published; a retry of such a push then gets an unreadable answer.
    A reply lost in transit makes a push fail although Redis committed it.
*/
class RedisStore : public NotificationStore
{
public:
    struct Settings
    {
        BrokerAddress address;
        QByteArray prefix = "herald:";
        int historySize = 1000; // trim() updates it, as a reload changes it
        qint64 idempotencyTtlMs = 24LL * 3600 * 1000;
        int timeoutMs = 2000; // connect and command timeout
        int minReplicas = 0; // WAIT after each append; 0: none
        int replicaTimeoutMs = 1000;
    };

    explicit RedisStore(Settings settings);

    bool open(QString *error) override;
    QString epoch() const override { return m_epoch; }

    bool append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                QList<AppendResult> *results, QString *error) override;
    UserState userState(const QString &user) override;
    QList<StoredNotification> since(const QString &user, qint64 afterSeq, int limit,
                                    QString *error = nullptr) override;
    QList<StoredNotification> history(const QString &user, qint64 beforeSeq, qint64 afterSeq,
                                      int limit, QString *error = nullptr) override;
    bool markRead(const QString &user, qint64 upTo, QString *error) override;
    QStringList knownUsers() override; // with a stream, or with a session on some node
    QHash<QString, qint64> lastSeqs(const QStringList &users, QString *error) override;
    void noteSession(const QString &user) override;
    bool publishLive(const QStringList &users, const QString &frame, QString *error) override;
    bool trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
              QString *error) override;
    void setReplicaAcks(int minReplicas, int timeoutMs) override;

    // The member body of an entry: "<ts>:<id length>:<id><event length>:<event><data>".
    static QByteArray body(const AppendEntry &entry);
    // A stream member, "<seq>:<body>", as the append script writes it.
    static QByteArray member(const StoredNotification &row);
    // Reads a stream member back; nullopt if malformed.
    static std::optional<StoredNotification> fromMember(const QByteArray &member);

private:
    QList<QByteArray> appendArgs(const QList<AppendEntry> &entries,
                                 const QList<qsizetype> &sent) const;
    bool readAppendReply(const redisReply *reply, const QList<AppendEntry> &entries,
                         const QList<qsizetype> &sent, const ResponseBuilder &respond,
                         QList<AppendResult> *results, QString *error);
    void keepAnswers(const QList<AppendEntry> &entries, const QList<AppendResult> &results,
                     const QList<qsizetype> &sent);
    void confirm(QList<AppendResult> *results);
    QList<StoredNotification> members(const QList<QByteArray> &command, QString *error);
    QByteArray key(const char *kind, const QString &name) const;
    static UserState toState(const redisReply *reply);

    Settings m_settings;
    ChannelMap m_channels;
    RedisConnection m_redis;
    QString m_epoch;
    bool m_replicasShort = false; // logged once per change
};

} // namespace Herald
