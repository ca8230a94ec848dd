#pragma once

#include "config/serverconfig.h"
#include "store/notificationstore.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Herald {

class RedisConnection;
class SqliteStore;

/*
    herald-server --migrate-to-broker: copies one node's SQLite store (<data_dir>/
    herald.sqlite3) into the broker, with RedisStore's key layout, so that nodes started
    with --broker afterwards serve the same streams: every user's seqs, history, last seq
    and read cursor (so the unread counts), the idempotency keys still within
    idempotency_ttl, and the store's epoch when the broker has none yet, so that clients
    resume across the move.

    It checks before it writes: when the broker already holds a stream, a cursor or an
    idempotency key of any of these users or keys, or another epoch, it refuses and writes
    nothing, unless migrateForce, which replaces those users' streams and keys and keeps the
    broker's epoch (clients of this node then reload instead of resuming). Blocking: run
    from main(), never in a server thread. The node must be stopped first: what it commits
    during the copy would be missed.
*/
class BrokerMigration
{
public:
    struct Report
    {
        enum class Kind { Done, Refused, Failed };
        Kind kind = Kind::Failed;
        QString text; // the summary (Done), or why not
        int exitCode() const; // 0 done, 3 refused (nothing written), 1 failed
    };

    explicit BrokerMigration(const ServerConfig &config);
    ~BrokerMigration();
    Report run();

private:
    struct User
    {
        QString id;
        UserState state;
    };
    struct Key
    {
        QString key;
        QByteArray response;
        qint64 createdMs = 0;
        qint64 ttlMs = 0;
    };

    bool read(QString *error);
    std::optional<QStringList> conflicts(RedisConnection &redis, QString *error);
    bool write(RedisConnection &redis, QString *error);
    bool writeUser(RedisConnection &redis, const User &user, QString *error);
    QByteArray key(const char *kind, const QString &name) const;
    QString summary() const;

    ServerConfig m_config;
    QByteArray m_prefix;
    QString m_path;
    std::unique_ptr<SqliteStore> m_store; // streams are read one user at a time, as written
    QString m_epoch; // the SQLite store's
    QString m_brokerEpoch; // the broker's before the copy; empty: none
    QList<User> m_users;
    QList<Key> m_keys;
    qint64 m_notifications = 0; // copied
};

} // namespace Herald
