#pragma once

#include "notificationstore.h"

#include <QSet>

#include <memory>
#include <optional>

namespace Herald {

/*
    A NotificationStore in one SQLite file (WAL journal), through Qt SQL.

    It keeps each user's last seq in memory to spare a SELECT per user per
    push; that is only correct while this object is the file's sole writer,
    so never open two SqliteStores on the same file at once.

    Where the interface is silent it behaves as MemoryStore: an invalid
    timestamp is stamped now, an invalid trim bound means no bound, a limit
    <= 0 reads nothing. Notification ids must be unique: a repeated id fails
    the whole append.
*/
class SqliteStore : public NotificationStore
{
public:
    enum class Synchronous { Normal, Full }; // PRAGMA synchronous

    SqliteStore(QString filePath, Synchronous sync);
    ~SqliteStore() override;

    // Creates the parent directory, the file and the schema as needed. Fails
    // when the QSQLITE driver is missing, the file cannot be opened, WAL is
    // refused or the schema version is unknown.
    bool open(QString *error) override;
    QString epoch() const override { return m_epoch; }

    bool append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                QList<AppendResult> *results, QString *error) override;

    // Readers log failures and answer as for an unknown user.
    UserState userState(const QString &user) override;
    QList<StoredNotification> since(const QString &user, qint64 afterSeq, int limit,
                                    QString *error = nullptr) override;
    QList<StoredNotification> history(const QString &user, qint64 beforeSeq, qint64 afterSeq,
                                      int limit, QString *error = nullptr) override;
    bool markRead(const QString &user, qint64 upTo, QString *error) override;
    QStringList knownUsers() override;
    bool trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
              QString *error) override;

    // An idempotency key, the answer kept with it and its push's time (ms since the epoch).
    struct KeptAnswer
    {
        QString key;
        QByteArray response;
        qint64 createdMs = 0;
    };
    // Every key kept (for --migrate-to-broker); false and *error when they cannot be read.
    bool keptAnswers(QList<KeptAnswer> *answers, QString *error);

private:
    struct Db; // the connection and its prepared statements (keeps QtSql out of this header)
    struct Batch; // what one append() has done so far

    void close();
    bool openConnection(QString *error);
    bool setPragmas(QString *error);
    bool createSchema(QString *error);
    bool readMeta(QString *error);
    bool appendEntry(const AppendEntry &entry, const ResponseBuilder &respond, Batch &batch,
                     AppendResult *result, QString *error);
    bool insertRows(const AppendEntry &entry, qint64 ts, Batch &batch, AppendResult *result,
                    QString *error);
    bool findKey(const QString &key, std::optional<QByteArray> *response, QString *error);
    qint64 *lastSeqSlot(const QString &user, QString *error);
    bool writeUsers(const QSet<QString> &users, QString *error);
    using Released = QHash<QString, qint64>; // notification id -> inbox rows deleted
    bool trimCounts(int keepPerUser, Released *released, QString *error);
    bool trimAge(qint64 olderThan, Released *released, QString *error);
    bool release(const Released &released, QString *error);
    bool trimAll(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
                 QString *error);
    bool inTransaction(const std::function<bool(QString *)> &work, QString *error);

    QString m_filePath;
    Synchronous m_sync;
    QString m_connectionName;
    std::unique_ptr<Db> m_db;
    QString m_epoch;
    QHash<QString, qint64> m_lastSeq; // user -> last seq committed or being committed
};

} // namespace Herald
