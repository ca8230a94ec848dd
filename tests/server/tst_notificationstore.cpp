#include "broker/redisstore.h"
#include "redisprocess.h"
#include "store/memorystore.h"
#include "store/sqlitestore.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

namespace {

const QDateTime Base(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC);

AppendEntry entry(const QString &id, const QStringList &users, const QString &key = {},
                  qint64 offsetMs = 0)
{
    return AppendEntry{id,    u"ev"_s, R"({"n":")" + id.toUtf8() + "\"}", Base.addMSecs(offsetMs),
                       users, key};
}

QList<qint64> seqsOf(const QList<StoredNotification> &rows)
{
    QList<qint64> seqs;
    for (const StoredNotification &row : rows)
        seqs.append(row.seq);
    return seqs;
}

QList<qint64> range(qint64 from, qint64 to, qint64 step = 1)
{
    QList<qint64> out;
    for (qint64 s = from; step > 0 ? s <= to : s >= to; s += step)
        out.append(s);
    return out;
}

// Runs one statement on a store's file through a second connection, as an
// operator's sqlite3 shell would; returns the first column of the last row.
QString sideSql(const QString &path, const QString &sql, QString *error)
{
    QString value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"side"_s);
        db.setDatabaseName(path);
        QSqlQuery query(db);
        if (!db.open())
            *error = db.lastError().text();
        else if (!query.exec(sql))
            *error = query.lastError().text();
        while (query.next())
            value = query.value(0).toString();
    }
    QSqlDatabase::removeDatabase(u"side"_s);
    return value;
}

} // namespace

class TestNotificationStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void initTestCase_data();
    void init();
    void cleanup();

    void seqsStartAtOneAndAreGapFreePerUser();
    void multiUserEntryStoresOneNotification();
    void batchAppendsInOrder();
    void since_data();
    void since();
    void history_data();
    void history();
    void userState();
    void markReadClampsAndNeverGoesBack();
    void knownKeyReplaysFirstResponse();
    void duplicateKeyInOneBatch();
    void emptyResponseIsKept();
    void keyExpiresAfterTrim();
    void trimByCountKeepsCursors();
    void trimByAge();
    void trimKeepsSharedNotifications();
    void knownUsers();
    void epochsDiffer();
    void sqliteSurvivesReopen();
    void sqliteFailedAppendLeavesNoGap();
    void sqliteUsesWal();
    void sqliteOpenReportsBadDirectory();
    void redisRefusesAnotherEpoch();
    void redisDownFailsAndRecovers();

private:
    // \a db: the Redis database of a "redis" store (another one is another cluster).
    std::unique_ptr<NotificationStore> create(const QString &path, int db = 0) const;
    bool reopen();
    bool push(const QList<AppendEntry> &entries, QList<AppendResult> *results = nullptr);
    bool isSqlite() const;
    void verifyNotificationRows(int expected);
    QString dbPath() const { return m_dir->filePath(u"data/herald.sqlite3"_s); }

    bool isRedis() const;

    Test::RedisProcess m_redis; // one for the whole run, flushed before each test
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<NotificationStore> m_store;
    int m_responses = 0; // calls of the response builder
    const NotificationStore::ResponseBuilder m_respond
        = [this](const AppendEntry &e, const QHash<QString, qint64> &s) {
              ++m_responses;
              QStringList parts;
              for (auto it = s.cbegin(); it != s.cend(); ++it)
                  parts.append(it.key() + u'=' + QString::number(it.value()));
              parts.sort();
              return (e.id + u':' + parts.join(u',')).toUtf8();
          };
};

// The Redis store must meet the same contract: redis-server is required (CI installs it).
void TestNotificationStore::initTestCase()
{
    QString error;
    QVERIFY2(m_redis.start(&error), qPrintable(error));
}

void TestNotificationStore::initTestCase_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("memory") << u"memory"_s;
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("redis") << u"redis"_s;
}

std::unique_ptr<NotificationStore> TestNotificationStore::create(const QString &path, int db) const
{
    QFETCH_GLOBAL(QString, kind);
    if (kind == u"memory"_s)
        return std::make_unique<MemoryStore>();
    if (kind == u"redis"_s) {
        RedisStore::Settings settings;
        settings.address = BrokerAddress{u"127.0.0.1"_s, m_redis.port(), db, {}};
        return std::make_unique<RedisStore>(settings);
    }
    return std::make_unique<SqliteStore>(path, SqliteStore::Synchronous::Normal);
}

void TestNotificationStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_responses = 0;
    if (isRedis())
        QCOMPARE(m_redis.command({"FLUSHALL"}), "+OK\r\n");
    QVERIFY(reopen());
}

void TestNotificationStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

bool TestNotificationStore::reopen()
{
    m_store.reset();
    m_store = create(dbPath());
    QString error;
    const bool ok = m_store->open(&error);
    if (!ok)
        qWarning("open failed: %ls", qUtf16Printable(error));
    return ok;
}

bool TestNotificationStore::push(const QList<AppendEntry> &entries, QList<AppendResult> *results)
{
    QList<AppendResult> local;
    QString error;
    const bool ok = m_store->append(entries, m_respond, results ? results : &local, &error);
    if (!ok)
        qWarning("append failed: %ls", qUtf16Printable(error));
    return ok;
}

bool TestNotificationStore::isSqlite() const
{
    QFETCH_GLOBAL(QString, kind);
    return kind == u"sqlite"_s;
}

bool TestNotificationStore::isRedis() const
{
    QFETCH_GLOBAL(QString, kind);
    return kind == u"redis"_s;
}

// SQLite keeps one notifications row per push still referenced by an inbox row.
void TestNotificationStore::verifyNotificationRows(int expected)
{
    if (!isSqlite())
        return;
    QString error;
    const QString count = sideSql(dbPath(), u"SELECT COUNT(*) FROM notifications"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(count, QString::number(expected));
}

void TestNotificationStore::seqsStartAtOneAndAreGapFreePerUser()
{
    QList<AppendResult> r;
    QVERIFY(push({entry(u"a"_s, {u"alice"_s})}, &r));
    QCOMPARE(r.at(0).seqs, (QHash<QString, qint64>{{u"alice"_s, 1}}));
    QVERIFY(push({entry(u"b"_s, {u"alice"_s, u"bob"_s})}, &r));
    QCOMPARE(r.at(0).seqs, (QHash<QString, qint64>{{u"alice"_s, 2}, {u"bob"_s, 1}}));
    QVERIFY(push({entry(u"c"_s, {u"bob"_s})}, &r));
    QCOMPARE(r.at(0).seqs.value(u"bob"_s), 2);
    QVERIFY(!r.at(0).replayed);
    QCOMPARE(r.at(0).response, "c:bob=2");
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 100)), range(1, 2));
    QCOMPARE(seqsOf(m_store->since(u"bob"_s, 0, 100)), range(1, 2));
}

void TestNotificationStore::multiUserEntryStoresOneNotification()
{
    AppendEntry e = entry(u"n1"_s, {u"u1"_s, u"u2"_s, u"u3"_s});
    e.event.clear();
    e.data = R"({"text":"héllo ✓","n":[1,2]})";
    QVERIFY(push({e}));
    for (const QString &user : e.users) {
        const QList<StoredNotification> rows = m_store->since(user, 0, 10);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).seq, 1);
        QCOMPARE(rows.at(0).id, u"n1"_s);
        QVERIFY(rows.at(0).event.isEmpty());
        QCOMPARE(rows.at(0).data, e.data);
        QCOMPARE(rows.at(0).timestamp, Base);
        QCOMPARE(rows.at(0).timestamp.timeSpec(), Qt::UTC);
    }
}

void TestNotificationStore::batchAppendsInOrder()
{
    QList<AppendEntry> batch;
    for (int i = 1; i <= 5; ++i)
        batch.append(entry(u"e%1"_s.arg(i), {u"alice"_s}, {}, i));
    QList<AppendResult> r;
    QVERIFY(push(batch, &r));
    QCOMPARE(r.size(), 5);
    QCOMPARE(m_responses, 5);
    const QList<StoredNotification> rows = m_store->since(u"alice"_s, 0, 10);
    QCOMPARE(rows.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(r.at(i).seqs.value(u"alice"_s), i + 1);
        QCOMPARE(rows.at(i).id, u"e%1"_s.arg(i + 1));
        QCOMPARE(rows.at(i).timestamp, Base.addMSecs(i + 1));
    }
}

void TestNotificationStore::since_data()
{
    QTest::addColumn<qint64>("after");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("all") << qint64(0) << 100 << range(1, 10);
    QTest::newRow("limited") << qint64(2) << 3 << range(3, 5);
    QTest::newRow("tail") << qint64(8) << 100 << range(9, 10);
    QTest::newRow("at end") << qint64(10) << 100 << QList<qint64>();
    QTest::newRow("zero limit") << qint64(0) << 0 << QList<qint64>();
}

void TestNotificationStore::since()
{
    QFETCH(qint64, after);
    QFETCH(int, limit);
    QFETCH(QList<qint64>, expected);
    for (int i = 1; i <= 10; ++i)
        QVERIFY(push({entry(u"n%1"_s.arg(i), {u"alice"_s})}));
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, after, limit)), expected);
    QVERIFY(m_store->since(u"nobody"_s, 0, 10).isEmpty());
}

void TestNotificationStore::history_data()
{
    QTest::addColumn<qint64>("before");
    QTest::addColumn<qint64>("after");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("newest page") << qint64(0) << qint64(0) << 3 << range(10, 8, -1);
    QTest::newRow("next page") << qint64(8) << qint64(0) << 3 << range(7, 5, -1);
    QTest::newRow("last page") << qint64(3) << qint64(0) << 3 << range(2, 1, -1);
    QTest::newRow("after bound") << qint64(0) << qint64(7) << 10 << range(10, 8, -1);
    QTest::newRow("both bounds") << qint64(5) << qint64(2) << 10 << range(4, 3, -1);
    QTest::newRow("empty window") << qint64(4) << qint64(3) << 10 << QList<qint64>();
}

void TestNotificationStore::history()
{
    QFETCH(qint64, before);
    QFETCH(qint64, after);
    QFETCH(int, limit);
    QFETCH(QList<qint64>, expected);
    for (int i = 1; i <= 10; ++i)
        QVERIFY(push({entry(u"n%1"_s.arg(i), {u"alice"_s})}));
    const QList<StoredNotification> rows = m_store->history(u"alice"_s, before, after, limit);
    QCOMPARE(seqsOf(rows), expected);
    if (!rows.isEmpty())
        QCOMPARE(rows.first().id, u"n%1"_s.arg(rows.first().seq));
    QVERIFY(m_store->history(u"nobody"_s, 0, 0, 10).isEmpty());
}

void TestNotificationStore::userState()
{
    const UserState none = m_store->userState(u"alice"_s);
    QCOMPARE(none.lastSeq, 0);
    QCOMPARE(none.oldestSeq, 0);
    for (int i = 1; i <= 5; ++i)
        QVERIFY(push({entry(u"n%1"_s.arg(i), {u"alice"_s})}));
    const UserState state = m_store->userState(u"alice"_s);
    QCOMPARE(state.lastSeq, 5);
    QCOMPARE(state.readCursor, 0);
    QCOMPARE(state.unread, 5);
    QCOMPARE(state.oldestSeq, 1);
}

void TestNotificationStore::markReadClampsAndNeverGoesBack()
{
    for (int i = 1; i <= 5; ++i)
        QVERIFY(push({entry(u"n%1"_s.arg(i), {u"alice"_s})}));
    QString error;
    QVERIFY(m_store->markRead(u"alice"_s, 2, &error));
    QCOMPARE(m_store->userState(u"alice"_s).readCursor, 2);
    QCOMPARE(m_store->userState(u"alice"_s).unread, 3);
    QVERIFY(m_store->markRead(u"alice"_s, 1, &error));
    QCOMPARE(m_store->userState(u"alice"_s).readCursor, 2);
    QVERIFY(m_store->markRead(u"alice"_s, 99, &error));
    QCOMPARE(m_store->userState(u"alice"_s).readCursor, 5);
    QCOMPARE(m_store->userState(u"alice"_s).unread, 0);
    QVERIFY(push({entry(u"n6"_s, {u"alice"_s})}));
    QCOMPARE(m_store->userState(u"alice"_s).unread, 1);
    // A user without a stream gets none from markRead.
    QVERIFY(m_store->markRead(u"nobody"_s, 3, &error));
    QCOMPARE(m_store->userState(u"nobody"_s).readCursor, 0);
    QCOMPARE(m_store->knownUsers(), QStringList{u"alice"_s});
}

void TestNotificationStore::knownKeyReplaysFirstResponse()
{
    QList<AppendResult> r;
    QVERIFY(push({entry(u"a"_s, {u"alice"_s}, u"key-1"_s)}, &r));
    const QByteArray first = r.at(0).response;
    QCOMPARE(first, "a:alice=1");
    QVERIFY(push({entry(u"b"_s, {u"alice"_s, u"bob"_s}, u"key-1"_s)}, &r));
    QVERIFY(r.at(0).replayed);
    QCOMPARE(r.at(0).response, first);
    QVERIFY(r.at(0).seqs.isEmpty());
    QCOMPARE(m_responses, 1);
    QCOMPARE(m_store->userState(u"alice"_s).lastSeq, 1);
    QCOMPARE(m_store->userState(u"bob"_s).lastSeq, 0);
    QCOMPARE(m_store->knownUsers(), QStringList{u"alice"_s});
}

void TestNotificationStore::duplicateKeyInOneBatch()
{
    QList<AppendResult> r;
    QVERIFY(push({entry(u"a"_s, {u"alice"_s}, u"k"_s), entry(u"b"_s, {u"alice"_s}),
                  entry(u"c"_s, {u"alice"_s}, u"k"_s)},
                 &r));
    QCOMPARE(r.size(), 3);
    QVERIFY(!r.at(0).replayed);
    QVERIFY(!r.at(1).replayed);
    QVERIFY(r.at(2).replayed);
    QCOMPARE(r.at(2).response, r.at(0).response);
    QCOMPARE(m_responses, 2);
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 10)), range(1, 2));
    QCOMPARE(m_store->since(u"alice"_s, 0, 10).last().id, u"b"_s);
}

void TestNotificationStore::emptyResponseIsKept()
{
    const auto silent
        = [](const AppendEntry &, const QHash<QString, qint64> &) { return QByteArray(); };
    QList<AppendResult> r;
    QString error;
    QVERIFY2(m_store->append({entry(u"a"_s, {u"alice"_s}, u"k"_s)}, silent, &r, &error),
             qPrintable(error));
    QVERIFY(m_store->append({entry(u"b"_s, {u"alice"_s}, u"k"_s)}, silent, &r, &error));
    QVERIFY(r.at(0).replayed);
    QVERIFY(r.at(0).response.isEmpty());
}

void TestNotificationStore::keyExpiresAfterTrim()
{
    QVERIFY(push({entry(u"a"_s, {u"alice"_s}, u"k"_s, 1000)}));
    QString error;
    // Kept while not older than the bound...
    QVERIFY(m_store->trim(100, {}, Base.addMSecs(1000), &error));
    QList<AppendResult> r;
    QVERIFY(push({entry(u"b"_s, {u"alice"_s}, u"k"_s, 2000)}, &r));
    QVERIFY(r.at(0).replayed);
    // ...and forgotten once older.
    QVERIFY(m_store->trim(100, {}, Base.addMSecs(1001), &error));
    QVERIFY(push({entry(u"c"_s, {u"alice"_s}, u"k"_s, 3000)}, &r));
    QVERIFY(!r.at(0).replayed);
    QCOMPARE(r.at(0).seqs.value(u"alice"_s), 2);
}

void TestNotificationStore::trimByCountKeepsCursors()
{
    for (int i = 1; i <= 10; ++i)
        QVERIFY(push({entry(u"n%1"_s.arg(i), {u"alice"_s, u"bob"_s})}));
    QVERIFY(push({entry(u"x"_s, {u"carol"_s})}));
    QString error;
    QVERIFY(m_store->markRead(u"alice"_s, 4, &error));
    QVERIFY(m_store->trim(3, {}, {}, &error));
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 100)), range(8, 10));
    QCOMPARE(m_store->since(u"alice"_s, 0, 100).first().id, u"n8"_s);
    QCOMPARE(seqsOf(m_store->history(u"bob"_s, 0, 0, 100)), range(10, 8, -1));
    QCOMPARE(seqsOf(m_store->since(u"carol"_s, 0, 100)), range(1, 1));
    const UserState state = m_store->userState(u"alice"_s);
    QCOMPARE(state.lastSeq, 10);
    QCOMPARE(state.readCursor, 4);
    QCOMPARE(state.unread, 3);
    QCOMPARE(state.oldestSeq, 8);
    verifyNotificationRows(4);
    QVERIFY(m_store->trim(0, {}, {}, &error));
    verifyNotificationRows(0);
    QCOMPARE(m_store->userState(u"alice"_s).oldestSeq, 0);
    QCOMPARE(m_store->userState(u"alice"_s).unread, 0);
    QList<AppendResult> r;
    QVERIFY(push({entry(u"n11"_s, {u"alice"_s})}, &r));
    QCOMPARE(r.at(0).seqs.value(u"alice"_s), 11);
    QCOMPARE(m_store->userState(u"alice"_s).oldestSeq, 11);
}

void TestNotificationStore::trimByAge()
{
    // Timestamps out of seq order must not confuse age trimming.
    const QList<qint64> offsets{5000, 1000, 6000, 2000, 7000};
    for (int i = 0; i < offsets.size(); ++i)
        QVERIFY(push({entry(u"n%1"_s.arg(i + 1), {u"alice"_s}, {}, offsets.at(i))}));
    QString error;
    QVERIFY(m_store->markRead(u"alice"_s, 3, &error));
    QVERIFY(m_store->trim(100, Base.addMSecs(2000), {}, &error));
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 10)), (QList<qint64>{1, 3, 4, 5}));
    verifyNotificationRows(4);
    QVERIFY(m_store->trim(100, Base.addMSecs(5500), {}, &error));
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 10)), (QList<qint64>{3, 5}));
    verifyNotificationRows(2);
    const UserState state = m_store->userState(u"alice"_s);
    QCOMPARE(state.oldestSeq, 3);
    QCOMPARE(state.lastSeq, 5);
    QCOMPARE(state.readCursor, 3);
    QCOMPARE(state.unread, 1);
}

void TestNotificationStore::trimKeepsSharedNotifications()
{
    QVERIFY(push({entry(u"n1"_s, {u"alice"_s, u"bob"_s}), entry(u"n2"_s, {u"alice"_s}, {}, 10000),
                  entry(u"n3"_s, {u"alice"_s}, {}, 10000)}));
    QString error;
    QVERIFY(m_store->trim(2, {}, {}, &error)); // alice drops n1, bob still has it
    verifyNotificationRows(3);
    QCOMPARE(m_store->since(u"bob"_s, 0, 10).value(0).data, entry(u"n1"_s, {}).data);
    QVERIFY(m_store->trim(2, Base.addMSecs(5000), {}, &error)); // now bob's copy is too old
    verifyNotificationRows(2);
    QVERIFY(m_store->since(u"bob"_s, 0, 10).isEmpty());
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 10)), range(2, 3));
}

void TestNotificationStore::knownUsers()
{
    QVERIFY(m_store->knownUsers().isEmpty());
    QVERIFY(push({entry(u"a"_s, {u"carol"_s, u"alice"_s}), entry(u"b"_s, {u"bob"_s})}));
    const QStringList expected{u"alice"_s, u"bob"_s, u"carol"_s};
    QCOMPARE(m_store->knownUsers(), expected);
    QString error;
    QVERIFY(m_store->trim(0, {}, {}, &error));
    QCOMPARE(m_store->knownUsers(), expected);
}

void TestNotificationStore::epochsDiffer()
{
    QTemporaryDir other;
    // Two Redis stores on one database are one cluster, with one epoch: another database.
    const std::unique_ptr<NotificationStore> second = create(other.filePath(u"h.sqlite3"_s), 1);
    QString error;
    QVERIFY2(second->open(&error), qPrintable(error));
    QCOMPARE(m_store->epoch().size(), 32);
    QVERIFY(m_store->epoch() != second->epoch());
}

void TestNotificationStore::sqliteSurvivesReopen()
{
    if (!isSqlite())
        QSKIP("SQLite only");
    QVERIFY(push({entry(u"a"_s, {u"alice"_s, u"bob"_s}, u"k"_s), entry(u"b"_s, {u"alice"_s})}));
    QString error;
    QVERIFY(m_store->markRead(u"alice"_s, 1, &error));
    const QString epoch = m_store->epoch();
    const QList<StoredNotification> before = m_store->since(u"alice"_s, 0, 10);
    QVERIFY(reopen());
    QCOMPARE(m_store->epoch(), epoch);
    const QList<StoredNotification> after = m_store->since(u"alice"_s, 0, 10);
    QCOMPARE(after.size(), before.size());
    for (int i = 0; i < after.size(); ++i) {
        QCOMPARE(after.at(i).id, before.at(i).id);
        QCOMPARE(after.at(i).data, before.at(i).data);
        QCOMPARE(after.at(i).timestamp, before.at(i).timestamp);
    }
    QCOMPARE(m_store->userState(u"alice"_s).readCursor, 1);
    QList<AppendResult> r;
    QVERIFY(push({entry(u"c"_s, {u"alice"_s, u"bob"_s}), entry(u"d"_s, {}, u"k"_s)}, &r));
    QCOMPARE(r.at(0).seqs, (QHash<QString, qint64>{{u"alice"_s, 3}, {u"bob"_s, 2}}));
    QVERIFY(r.at(1).replayed);
    QCOMPARE(r.at(1).response, "a:alice=1,bob=1");
}

void TestNotificationStore::sqliteFailedAppendLeavesNoGap()
{
    if (!isSqlite())
        QSKIP("SQLite only");
    QVERIFY(push({entry(u"a"_s, {u"alice"_s})}));
    // A trigger makes any row for "boom" fail, after other rows of the batch went in.
    QString error;
    sideSql(dbPath(),
            u"CREATE TRIGGER refuse BEFORE INSERT ON inbox WHEN NEW.user = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'boom refused'); END"_s,
            &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QList<AppendResult> r;
    const QList<AppendEntry> batch{entry(u"b"_s, {u"alice"_s}),
                                   entry(u"c"_s, {u"alice"_s, u"bob"_s, u"boom"_s}, u"k"_s)};
    QVERIFY(!m_store->append(batch, m_respond, &r, &error));
    QVERIFY2(error.contains(u"boom refused"_s), qPrintable(error));
    QVERIFY(r.isEmpty());
    QCOMPARE(m_store->userState(u"alice"_s).lastSeq, 1);
    QCOMPARE(m_store->userState(u"bob"_s).lastSeq, 0);
    QCOMPARE(m_store->knownUsers(), QStringList{u"alice"_s});
    error.clear();
    sideSql(dbPath(), u"DROP TRIGGER refuse"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(push(batch, &r));
    QVERIFY(!r.at(1).replayed);
    QCOMPARE(r.at(0).seqs.value(u"alice"_s), 2);
    QCOMPARE(r.at(1).seqs,
             (QHash<QString, qint64>{{u"alice"_s, 3}, {u"bob"_s, 1}, {u"boom"_s, 1}}));
    QCOMPARE(seqsOf(m_store->since(u"alice"_s, 0, 10)), range(1, 3));
}

void TestNotificationStore::sqliteUsesWal()
{
    if (!isSqlite())
        QSKIP("SQLite only");
    QString error;
    const QString mode = sideSql(dbPath(), u"PRAGMA journal_mode"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(mode, u"wal"_s);
    QCOMPARE(sideSql(dbPath(), u"SELECT value FROM meta WHERE key = 'schema_version'"_s, &error),
             u"1"_s);
}

void TestNotificationStore::sqliteOpenReportsBadDirectory()
{
    if (!isSqlite())
        QSKIP("SQLite only");
    QFile blocker(m_dir->filePath(u"file"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const std::unique_ptr<NotificationStore> store
        = create(blocker.fileName() + u"/sub/h.sqlite3"_s);
    QString error;
    QVERIFY(!store->open(&error));
    QVERIFY2(error.contains(u"directory"_s), qPrintable(error));
}

// A second node of the same cluster shares the epoch; once Redis has lost its data (a new
// epoch), a node still on the old one refuses to append rather than reuse seqs.
void TestNotificationStore::redisRefusesAnotherEpoch()
{
    if (!isRedis())
        QSKIP("Redis only");
    const std::unique_ptr<NotificationStore> node = create(dbPath());
    QString error;
    QVERIFY2(node->open(&error), qPrintable(error));
    QCOMPARE(node->epoch(), m_store->epoch());
    QVERIFY(push({entry(u"a"_s, {u"alice"_s})}));
    QCOMPARE(m_redis.command({"FLUSHALL"}), "+OK\r\n");
    QList<AppendResult> r;
    QVERIFY(!m_store->append({entry(u"b"_s, {u"alice"_s})}, m_respond, &r, &error));
    QVERIFY2(error.contains(u"epoch"_s), qPrintable(error));
}

// Redis down: writes fail with a message naming the broker (a push gets 503); back up on
// the same port: the same store object works again, without a restart.
void TestNotificationStore::redisDownFailsAndRecovers()
{
    if (!isRedis())
        QSKIP("Redis only");
    QVERIFY(push({entry(u"a"_s, {u"alice"_s})}));
    const quint16 port = m_redis.port();
    QVERIFY(m_redis.stop());
    QList<AppendResult> r;
    QString error;
    QVERIFY(!m_store->append({entry(u"b"_s, {u"alice"_s})}, m_respond, &r, &error));
    QVERIFY2(error.contains(u"broker"_s), qPrintable(error));
    QVERIFY(!m_store->markRead(u"alice"_s, 1, &error));
    QVERIFY2(m_redis.start(&error, port), qPrintable(error));
    // Redis came back empty (no persistence here): the cluster's data is gone, so is its
    // epoch; write one the store knows so that it may append again.
    m_redis.command({"SET", "herald:epoch", m_store->epoch().toLatin1()});
    // The store retries after its backoff (at most 5 s); calls before that fail at once.
    bool appended = false;
    for (QDeadlineTimer deadline(20000); !appended && !deadline.hasExpired();) {
        appended = m_store->append({entry(u"c"_s, {u"alice"_s})}, m_respond, &r, &error);
        if (!appended)
            QTest::qWait(100);
    }
    QVERIFY2(appended, qPrintable(error));
    QCOMPARE(r.at(0).seqs.value(u"alice"_s), 1);
}

QTEST_GUILESS_MAIN(TestNotificationStore)
#include "tst_notificationstore.moc"
