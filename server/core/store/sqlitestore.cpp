#include "sqlitestore.h"

#include "logging.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <atomic>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int SchemaVersion = 1;
constexpr int BusyTimeoutMs = 5000;

const QStringList Schema{
    u"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"_s,
    // refs counts the inbox rows naming a notification, so that trim() finds
    // the ones left unreferenced without scanning the inbox.
    u"CREATE TABLE IF NOT EXISTS notifications(id TEXT PRIMARY KEY, event TEXT, "
    "data TEXT NOT NULL, ts INTEGER NOT NULL, refs INTEGER NOT NULL)"_s,
    u"CREATE INDEX IF NOT EXISTS notifications_ts ON notifications(ts)"_s,
    u"CREATE TABLE IF NOT EXISTS inbox(user TEXT NOT NULL, seq INTEGER NOT NULL, "
    "notification TEXT NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY(user, seq)) WITHOUT ROWID"_s,
    // Kept forever: lastSeq and the read cursor outlive trimmed notifications.
    u"CREATE TABLE IF NOT EXISTS users(user TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, "
    "read_cursor INTEGER NOT NULL) WITHOUT ROWID"_s,
    u"CREATE TABLE IF NOT EXISTS idempotency(key TEXT PRIMARY KEY, response BLOB NOT NULL, "
    "created INTEGER NOT NULL)"_s,
};

const QString SelectNotifications = u"SELECT i.seq, n.id, n.event, n.data, i.ts FROM inbox i "
                                    "JOIN notifications n ON n.id = i.notification "_s;

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

// Binds \a values to the placeholders in order and runs the prepared \a query.
bool run(QSqlQuery &query, std::initializer_list<QVariant> values, QString *error)
{
    int position = 0;
    for (const QVariant &value : values)
        query.bindValue(position++, value);
    return query.exec() || fail(error, query.lastError().text());
}

bool prepareRun(QSqlQuery &query, const QString &sql, std::initializer_list<QVariant> values,
                QString *error)
{
    if (!query.prepare(sql))
        return fail(error, query.lastError().text());
    return run(query, values, error);
}

QString notOpen()
{
    return u"the notification store is not open"_s;
}

QList<StoredNotification> readNotifications(QSqlQuery &query)
{
    QList<StoredNotification> rows;
    while (query.next()) {
        rows.append({query.value(0).toLongLong(), query.value(1).toString(),
                     query.value(2).toString(), query.value(3).toString().toUtf8(),
                     QDateTime::fromMSecsSinceEpoch(query.value(4).toLongLong(), Qt::UTC)});
    }
    query.finish(); // an unfinished SELECT would pin a WAL snapshot
    return rows;
}

// Tallies the notification ids a DELETE ... RETURNING notification gave back.
bool countReleased(QSqlQuery &deleted, QHash<QString, qint64> *released, QString *error)
{
    while (deleted.next())
        ++(*released)[deleted.value(0).toString()];
    return !deleted.lastError().isValid() || fail(error, deleted.lastError().text());
}

void warnRead(const char *what, const QString &error)
{
    qCWarning(lcStore).noquote() << "store: reading" << what << "failed:" << error;
}

} // namespace

// Members are destroyed in reverse order: the statements before the connection.
struct SqliteStore::Db
{
    explicit Db(const QString &name) : db(QSqlDatabase::addDatabase(u"QSQLITE"_s, name)) { }
    ~Db() { db.close(); }
    bool prepareAll(QString *error);

    QSqlDatabase db;
    QSqlQuery insertNotification, insertInbox, upsertUser, lastSeq, findKey, insertKey;
    QSqlQuery since, history, userState, markRead, knownUsers;
};

bool SqliteStore::Db::prepareAll(QString *error)
{
    const std::pair<QSqlQuery *, QString> statements[] = {
        {&insertNotification,
         u"INSERT INTO notifications(id, event, data, ts, refs) VALUES(?, ?, ?, ?, ?)"_s},
        {&insertInbox, u"INSERT INTO inbox(user, seq, notification, ts) VALUES(?, ?, ?, ?)"_s},
        {&upsertUser,
         u"INSERT INTO users(user, last_seq, read_cursor) VALUES(?, ?, 0) "
         "ON CONFLICT(user) DO UPDATE SET last_seq = excluded.last_seq"_s},
        {&lastSeq, u"SELECT last_seq FROM users WHERE user = ?"_s},
        {&findKey, u"SELECT response FROM idempotency WHERE key = ?"_s},
        {&insertKey, u"INSERT INTO idempotency(key, response, created) VALUES(?, ?, ?)"_s},
        {&since, SelectNotifications + u"WHERE i.user = ? AND i.seq > ? ORDER BY i.seq LIMIT ?"_s},
        {&history,
         SelectNotifications
             + u"WHERE i.user = ? AND i.seq > ? AND i.seq < ? ORDER BY i.seq DESC LIMIT ?"_s},
        {&userState,
         u"SELECT u.last_seq, u.read_cursor, "
         "(SELECT COUNT(*) FROM inbox i WHERE i.user = u.user AND i.seq > u.read_cursor), "
         "(SELECT MIN(i.seq) FROM inbox i WHERE i.user = u.user) "
         "FROM users u WHERE u.user = ?"_s},
        {&markRead,
         u"UPDATE users SET read_cursor = MAX(read_cursor, MIN(?, last_seq)) WHERE user = ?"_s},
        {&knownUsers, u"SELECT user FROM users ORDER BY user"_s},
    };
    for (const auto &[query, sql] : statements) {
        *query = QSqlQuery(db);
        query->setForwardOnly(true); // no client-side row cache
        if (!query->prepare(sql))
            return fail(error, u"%1 (%2)"_s.arg(query->lastError().text(), sql));
    }
    return true;
}

struct SqliteStore::Batch
{
    QHash<QString, QByteArray> keys; // idempotency keys kept earlier in this batch
    QSet<QString> users; // users whose cached last seq this batch moved
};

SqliteStore::SqliteStore(QString filePath, Synchronous sync)
    : m_filePath(std::move(filePath)), m_sync(sync)
{
    static std::atomic<quint64> instances{0};
    m_connectionName = u"herald-store-%1"_s.arg(instances.fetch_add(1));
}

SqliteStore::~SqliteStore()
{
    close();
}

void SqliteStore::close()
{
    m_db.reset(); // every QSqlDatabase handle must be gone before removeDatabase()
    QSqlDatabase::removeDatabase(m_connectionName);
    m_lastSeq.clear();
}

bool SqliteStore::open(QString *error)
{
    close();
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(error, u"the Qt SQLite driver (QSQLITE) is not installed"_s);
    // The connection is made here, not in the constructor, because a Qt SQL
    // connection belongs to the thread that adds it: the store thread.
    if (openConnection(error) && setPragmas(error) && createSchema(error)
        && m_db->prepareAll(error))
        return true;
    close();
    return false;
}

bool SqliteStore::openConnection(QString *error)
{
    const QFileInfo file(m_filePath);
    if (!file.absoluteDir().mkpath(u"."_s))
        return fail(error, u"cannot create the directory %1"_s.arg(file.absolutePath()));
    m_db = std::make_unique<Db>(m_connectionName);
    m_db->db.setDatabaseName(file.absoluteFilePath());
    if (!m_db->db.open())
        return fail(error, u"%1: %2"_s.arg(m_filePath, m_db->db.lastError().text()));
    return true;
}

bool SqliteStore::setPragmas(QString *error)
{
    QSqlQuery query(m_db->db);
    if (!prepareRun(query, u"PRAGMA journal_mode = WAL"_s, {}, error))
        return false;
    const QString mode = query.next() ? query.value(0).toString() : QString();
    query.finish();
    // Without WAL every commit would block readers; refuse rather than run slowly.
    if (mode.compare(u"wal"_s, Qt::CaseInsensitive) != 0)
        return fail(error,
                    u"%1: SQLite refused WAL journaling (got \"%2\")"_s.arg(m_filePath, mode));
    const QString sync = m_sync == Synchronous::Full ? u"FULL"_s : u"NORMAL"_s;
    return prepareRun(query, u"PRAGMA synchronous = "_s + sync, {}, error)
        && prepareRun(query, u"PRAGMA busy_timeout = %1"_s.arg(BusyTimeoutMs), {}, error)
        && prepareRun(query, u"PRAGMA foreign_keys = OFF"_s, {}, error);
}

bool SqliteStore::createSchema(QString *error)
{
    return inTransaction(
        [this](QString *err) {
            QSqlQuery query(m_db->db);
            for (const QString &sql : Schema) {
                if (!prepareRun(query, sql, {}, err))
                    return false;
            }
            // The epoch is made once, with the file: a restart keeps it.
            return prepareRun(query,
                              u"INSERT OR IGNORE INTO meta(key, value) "
                              "VALUES('schema_version', ?), ('epoch', ?)"_s,
                              {QString::number(SchemaVersion), NotificationStore::newEpoch()}, err)
                && readMeta(err);
        },
        error);
}

bool SqliteStore::readMeta(QString *error)
{
    QSqlQuery query(m_db->db);
    if (!prepareRun(query, u"SELECT key, value FROM meta"_s, {}, error))
        return false;
    QHash<QString, QString> meta;
    while (query.next())
        meta.insert(query.value(0).toString(), query.value(1).toString());
    const QString version = meta.value(u"schema_version"_s);
    if (version != QString::number(SchemaVersion)) {
        return fail(error,
                    u"%1: schema version %2 is not supported (this build reads %3)"_s.arg(
                        m_filePath, version, QString::number(SchemaVersion)));
    }
    m_epoch = meta.value(u"epoch"_s);
    return true;
}

bool SqliteStore::inTransaction(const std::function<bool(QString *)> &work, QString *error)
{
    // IMMEDIATE takes the write lock up front (waiting up to the busy timeout)
    // instead of failing later when a read would have to become a write.
    QSqlQuery begin(m_db->db);
    if (!begin.exec(u"BEGIN IMMEDIATE"_s))
        return fail(error, begin.lastError().text());
    if (!work(error)) {
        m_db->db.rollback();
        return false;
    }
    if (m_db->db.commit())
        return true;
    const QString text = m_db->db.lastError().text();
    m_db->db.rollback();
    return fail(error, text);
}

bool SqliteStore::append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                         QList<AppendResult> *results, QString *error)
{
    results->clear();
    if (!m_db)
        return fail(error, notOpen());
    Batch batch;
    QList<AppendResult> out(entries.size());
    const auto work = [&](QString *err) {
        for (qsizetype i = 0; i < entries.size(); ++i) {
            if (!appendEntry(entries.at(i), respond, batch, &out[i], err))
                return false;
        }
        return writeUsers(batch.users, err);
    };
    if (!inTransaction(work, error)) {
        // Forget the seqs handed out in the rolled-back batch; they reload from
        // the file, so the next append continues without a gap.
        for (const QString &user : std::as_const(batch.users))
            m_lastSeq.remove(user);
        return false;
    }
    *results = std::move(out);
    return true;
}

bool SqliteStore::appendEntry(const AppendEntry &entry, const ResponseBuilder &respond,
                              Batch &batch, AppendResult *result, QString *error)
{
    const QString &key = entry.idempotencyKey;
    if (!key.isEmpty()) {
        std::optional<QByteArray> kept;
        if (const auto earlier = batch.keys.constFind(key); earlier != batch.keys.cend())
            kept = *earlier;
        else if (!findKey(key, &kept, error))
            return false;
        if (kept) {
            result->replayed = true;
            result->response = *kept;
            return true;
        }
    }
    const qint64 ts = NotificationStore::msecsOf(entry.timestamp);
    if (!insertRows(entry, ts, batch, result, error))
        return false;
    result->response = respond(entry, result->seqs);
    if (key.isEmpty())
        return true;
    batch.keys.insert(key, result->response);
    // A null QByteArray would bind as SQL NULL and fail the whole batch.
    const QByteArray kept = result->response.isNull() ? QByteArray("") : result->response;
    return run(m_db->insertKey, {key, kept, ts}, error);
}

bool SqliteStore::insertRows(const AppendEntry &entry, qint64 ts, Batch &batch,
                             AppendResult *result, QString *error)
{
    if (entry.users.isEmpty())
        return true; // a row nobody references would only wait for trim()
    const QString data = QString::fromUtf8(entry.data);
    if (!run(m_db->insertNotification,
             {entry.id, entry.event, data.isNull() ? u""_s : data, ts, entry.users.size()}, error))
        return false;
    result->seqs.reserve(entry.users.size());
    for (const QString &user : entry.users) {
        qint64 *last = lastSeqSlot(user, error);
        if (!last || !run(m_db->insertInbox, {user, *last + 1, entry.id, ts}, error))
            return false;
        ++*last;
        batch.users.insert(user);
        result->seqs.insert(user, *last);
    }
    return true;
}

bool SqliteStore::findKey(const QString &key, std::optional<QByteArray> *response, QString *error)
{
    QSqlQuery &query = m_db->findKey;
    if (!run(query, {key}, error))
        return false;
    if (query.next())
        *response = query.value(0).toByteArray();
    query.finish();
    return true;
}

qint64 *SqliteStore::lastSeqSlot(const QString &user, QString *error)
{
    const auto cached = m_lastSeq.find(user);
    if (cached != m_lastSeq.end())
        return &*cached;
    QSqlQuery &query = m_db->lastSeq;
    if (!run(query, {user}, error))
        return nullptr;
    const qint64 seq = query.next() ? query.value(0).toLongLong() : 0;
    query.finish();
    return &*m_lastSeq.insert(user, seq);
}

bool SqliteStore::writeUsers(const QSet<QString> &users, QString *error)
{
    for (const QString &user : users) {
        if (!run(m_db->upsertUser, {user, m_lastSeq.value(user)}, error))
            return false;
    }
    return true;
}

UserState SqliteStore::userState(const QString &user)
{
    UserState state;
    QString error;
    if (!m_db || !run(m_db->userState, {user}, &error)) {
        warnRead("a user's state", m_db ? error : notOpen());
        return state;
    }
    QSqlQuery &query = m_db->userState;
    if (query.next()) {
        state.lastSeq = query.value(0).toLongLong();
        state.readCursor = query.value(1).toLongLong();
        state.unread = query.value(2).toLongLong();
        state.oldestSeq = query.value(3).toLongLong(); // NULL (nothing stored) reads as 0
    }
    query.finish();
    return state;
}

QList<StoredNotification> SqliteStore::since(const QString &user, qint64 afterSeq, int limit,
                                             QString *failure)
{
    QString error;
    if (limit <= 0)
        return {};
    if (!m_db || !run(m_db->since, {user, afterSeq, limit}, &error)) {
        warnRead("notifications", m_db ? error : notOpen());
        if (failure)
            *failure = m_db ? error : notOpen();
        return {};
    }
    return readNotifications(m_db->since);
}

QList<StoredNotification> SqliteStore::history(const QString &user, qint64 beforeSeq,
                                               qint64 afterSeq, int limit, QString *failure)
{
    QString error;
    if (limit <= 0)
        return {};
    const qint64 below = beforeSeq > 0 ? beforeSeq : std::numeric_limits<qint64>::max();
    if (!m_db || !run(m_db->history, {user, afterSeq, below, limit}, &error)) {
        warnRead("history", m_db ? error : notOpen());
        if (failure)
            *failure = m_db ? error : notOpen();
        return {};
    }
    return readNotifications(m_db->history);
}

bool SqliteStore::markRead(const QString &user, qint64 upTo, QString *error)
{
    if (!m_db)
        return fail(error, notOpen());
    return run(m_db->markRead, {upTo, user}, error);
}

QStringList SqliteStore::knownUsers()
{
    QStringList users;
    QString error;
    if (!m_db || !run(m_db->knownUsers, {}, &error)) {
        warnRead("users", m_db ? error : notOpen());
        return users;
    }
    while (m_db->knownUsers.next())
        users.append(m_db->knownUsers.value(0).toString());
    m_db->knownUsers.finish();
    return users;
}

bool SqliteStore::keptAnswers(QList<KeptAnswer> *answers, QString *error)
{
    if (!m_db)
        return fail(error, notOpen());
    QSqlQuery query(m_db->db);
    query.setForwardOnly(true);
    if (!prepareRun(query, u"SELECT key, response, created FROM idempotency ORDER BY created"_s, {},
                    error))
        return false;
    while (query.next())
        answers->append(
            {query.value(0).toString(), query.value(1).toByteArray(), query.value(2).toLongLong()});
    return !query.lastError().isValid() || fail(error, query.lastError().text());
}

bool SqliteStore::trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
                       QString *error)
{
    if (!m_db)
        return fail(error, notOpen());
    return inTransaction(
        [&](QString *err) { return trimAll(keepPerUser, olderThan, keysOlderThan, err); }, error);
}

bool SqliteStore::trimAll(int keepPerUser, const QDateTime &olderThan,
                          const QDateTime &keysOlderThan, QString *error)
{
    Released released;
    if (!trimCounts(std::max(keepPerUser, 0), &released, error)
        || (olderThan.isValid() && !trimAge(olderThan.toMSecsSinceEpoch(), &released, error))
        || !release(released, error))
        return false;
    QSqlQuery query(m_db->db);
    return !keysOlderThan.isValid()
        || prepareRun(query, u"DELETE FROM idempotency WHERE created < ?"_s,
                      {keysOlderThan.toMSecsSinceEpoch()}, error);
}

// Deletes, per user, the rows at or below last_seq - keep: a primary-key range each.
bool SqliteStore::trimCounts(int keep, Released *released, QString *error)
{
    QSqlQuery users(m_db->db);
    users.setForwardOnly(true);
    // Only users with a row to drop; the check is one index probe each.
    if (!prepareRun(users,
                    u"SELECT u.user, u.last_seq FROM users u WHERE u.last_seq > ? AND EXISTS "
                    "(SELECT 1 FROM inbox i WHERE i.user = u.user AND i.seq <= u.last_seq - ?)"_s,
                    {keep, keep}, error))
        return false;
    QSqlQuery drop(m_db->db);
    drop.setForwardOnly(true);
    if (!drop.prepare(u"DELETE FROM inbox WHERE user = ? AND seq <= ? RETURNING notification"_s))
        return fail(error, drop.lastError().text());
    while (users.next()) {
        if (!run(drop, {users.value(0), users.value(1).toLongLong() - keep}, error)
            || !countReleased(drop, released, error))
            return false;
    }
    return !users.lastError().isValid() || fail(error, users.lastError().text());
}

// Inbox rows carry their notification's timestamp, so when no notification is
// old enough (an index lookup) the scan of the inbox is skipped.
bool SqliteStore::trimAge(qint64 olderThan, Released *released, QString *error)
{
    QSqlQuery query(m_db->db);
    query.setForwardOnly(true);
    if (!prepareRun(query, u"SELECT 1 FROM notifications WHERE ts < ? LIMIT 1"_s, {olderThan},
                    error))
        return false;
    if (!query.next())
        return true;
    return prepareRun(query, u"DELETE FROM inbox WHERE ts < ? RETURNING notification"_s,
                      {olderThan}, error)
        && countReleased(query, released, error);
}

// Lowers the reference counts and deletes the notifications nobody references.
bool SqliteStore::release(const Released &released, QString *error)
{
    QSqlQuery lower(m_db->db);
    QSqlQuery drop(m_db->db);
    if (!lower.prepare(u"UPDATE notifications SET refs = refs - ? WHERE id = ?"_s)
        || !drop.prepare(u"DELETE FROM notifications WHERE id = ? AND refs <= 0"_s))
        return fail(error, lower.lastError().text() + drop.lastError().text());
    for (auto it = released.cbegin(); it != released.cend(); ++it) {
        if (!run(lower, {it.value(), it.key()}, error) || !run(drop, {it.key()}, error))
            return false;
    }
    return true;
}

} // namespace Herald
