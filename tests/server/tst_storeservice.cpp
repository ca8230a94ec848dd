// StoreService on its own: a MemoryStore, an Audience of a fixed set of
// users, and a sink that records what the store reports. No workers, no
// sockets: the store's seam to the rest of the server is these two interfaces.
#include "push/pushoutcome.h"
#include "serverstats.h"
#include "store/audience.h"
#include "store/memorystore.h"
#include "store/storeservice.h"
#include "store/storesink.h"

#include <QMutex>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

namespace {

class FixedAudience : public Audience
{
public:
    QHash<QString, qsizetype> sessionsByUser;

    QStringList users() const override { return sessionsByUser.keys(); }
    qsizetype sessionCount() const override
    {
        qsizetype count = 0;
        for (qsizetype sessions : sessionsByUser)
            count += sessions;
        return count;
    }
    Reach reach(const QStringList &users) const override
    {
        Reach reach;
        for (const QString &user : users) {
            if (const qsizetype sessions = sessionsByUser.value(user)) {
                ++reach.usersOnline;
                reach.sessions += sessions;
            }
        }
        return reach;
    }
};

// Called in the store thread; read in the test's.
class RecordingSink : public StoreSink
{
public:
    struct Commit
    {
        QList<std::pair<QString, qint64>> targets;
        QString frame;
    };

    void committed(const QList<std::pair<QString, qint64>> &targets, const QString &frame) override
    {
        QMutexLocker lock(&m_mutex);
        m_commits.append({targets, frame});
    }
    void readMoved(const QString &user, const UserState &state) override
    {
        QMutexLocker lock(&m_mutex);
        m_reads.append({user, state});
    }
    QList<Commit> commits() const
    {
        QMutexLocker lock(&m_mutex);
        return m_commits;
    }
    QList<std::pair<QString, UserState>> reads() const
    {
        QMutexLocker lock(&m_mutex);
        return m_reads;
    }

private:
    mutable QMutex m_mutex;
    QList<Commit> m_commits;
    QList<std::pair<QString, UserState>> m_reads;
};

} // namespace

Q_DECLARE_METATYPE(Herald::PushOutcome)

class TestStoreService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void notifyIsCommittedThenReported();
    void idempotentRepeatReportsTheFirstOutcome();
    void broadcastReachesKnownAndConnectedUsers();
    void readReportsTheNewState();
    void outcomeRoundTrip_data();
    void outcomeRoundTrip();
    void malformedOutcomeIsRefused_data();
    void malformedOutcomeIsRefused();

private:
    std::optional<PushOutcome> push(const QStringList &users, const QString &key = {},
                                    bool broadcast = false);

    FixedAudience m_audience;
    std::unique_ptr<RecordingSink> m_sink;
    ServerStats m_stats;
    std::unique_ptr<StoreService> m_store;
    int m_nextId = 0;
};

void TestStoreService::init()
{
    m_audience.sessionsByUser = {{u"alice"_s, 2}, {u"carol"_s, 1}};
    m_sink = std::make_unique<RecordingSink>();
    m_store = std::make_unique<StoreService>(std::make_unique<MemoryStore>(),
                                             StoreService::Settings{}, m_audience, m_stats);
    QString error;
    QVERIFY2(m_store->start(*m_sink, &error), qPrintable(error));
}

void TestStoreService::cleanup()
{
    m_store.reset();
}

std::optional<PushOutcome> TestStoreService::push(const QStringList &users, const QString &key,
                                                  bool broadcast)
{
    const QString id = u"n%1"_s.arg(++m_nextId);
    StoreService::Push push{
        id, u"e"_s, "{}", QDateTime::currentDateTimeUtc(), u"frame-"_s + id, users, broadcast, key};
    std::optional<PushOutcome> outcome;
    bool done = false;
    m_store->push(push, this, [&](const std::optional<PushOutcome> &result, const QString &, bool) {
        outcome = result;
        done = true;
    });
    [[maybe_unused]] const bool answered = QTest::qWaitFor([&] { return done; }, 15000);
    return outcome;
}

void TestStoreService::notifyIsCommittedThenReported()
{
    const std::optional<PushOutcome> first = push({u"alice"_s, u"bob"_s});
    QVERIFY(first);
    QVERIFY(first->stored);
    QVERIFY(!first->replayed);
    QCOMPARE(first->seqs, (QHash<QString, qint64>{{u"alice"_s, 1}, {u"bob"_s, 1}}));
    QCOMPARE(first->usersOnline, 1); // alice
    QCOMPARE(first->sessions, 2);
    const std::optional<PushOutcome> second = push({u"bob"_s});
    QVERIFY(second);
    QCOMPARE(second->seqs.value(u"bob"_s), 2);
    QCOMPARE(second->usersOnline, 0);

    const auto commits = m_sink->commits();
    QCOMPARE(commits.size(), 2);
    QCOMPARE(commits[0].frame, u"frame-n1"_s);
    QCOMPARE(commits[0].targets,
             (QList<std::pair<QString, qint64>>{{u"alice"_s, 1}, {u"bob"_s, 1}}));
    QCOMPARE(commits[1].targets, (QList<std::pair<QString, qint64>>{{u"bob"_s, 2}}));
}

void TestStoreService::idempotentRepeatReportsTheFirstOutcome()
{
    const std::optional<PushOutcome> first = push({u"alice"_s}, u"key-1"_s);
    QVERIFY(first);
    m_audience.sessionsByUser.clear(); // a repeat reports the first push's reach, not today's
    const std::optional<PushOutcome> again = push({u"alice"_s}, u"key-1"_s);
    QVERIFY(again);
    QVERIFY(again->replayed);
    PushOutcome expected = *first;
    expected.replayed = true;
    QCOMPARE(*again, expected);
    QCOMPARE(m_sink->commits().size(), 1); // delivered once
}

void TestStoreService::broadcastReachesKnownAndConnectedUsers()
{
    QVERIFY(push({u"dave"_s})); // known to the store, not connected
    const std::optional<PushOutcome> outcome = push({}, {}, true);
    QVERIFY(outcome);
    QVERIFY(outcome->broadcast);
    QCOMPARE(outcome->users, 3); // dave, alice, carol
    QCOMPARE(outcome->sessions, 3);
    const auto commits = m_sink->commits();
    QCOMPARE(commits.size(), 2);
    QList<std::pair<QString, qint64>> targets = commits[1].targets;
    std::sort(targets.begin(), targets.end());
    QCOMPARE(targets,
             (QList<std::pair<QString, qint64>>{{u"alice"_s, 1}, {u"carol"_s, 1}, {u"dave"_s, 2}}));
}

void TestStoreService::readReportsTheNewState()
{
    QVERIFY(push({u"alice"_s}));
    QVERIFY(push({u"alice"_s}));
    bool done = false;
    m_store->markRead(u"alice"_s, 1, this,
                      [&](const UserState &, const QString &, const QString &) { done = true; });
    QTRY_VERIFY(done);
    const auto reads = m_sink->reads();
    QCOMPARE(reads.size(), 1);
    QCOMPARE(reads[0].first, u"alice"_s);
    QCOMPARE(reads[0].second.readCursor, 1);
    QCOMPARE(reads[0].second.unread, 1);
}

void TestStoreService::outcomeRoundTrip_data()
{
    QTest::addColumn<PushOutcome>("outcome");
    PushOutcome notify;
    notify.id = u"n1"_s;
    notify.stored = true;
    notify.seqs = {{u"a"_s, 4}, {u"b/%41"_s, 9}};
    notify.usersOnline = 1;
    notify.sessions = 3;
    QTest::newRow("stored notify") << notify;
    PushOutcome broadcast;
    broadcast.id = u"n2"_s;
    broadcast.stored = true;
    broadcast.broadcast = true;
    broadcast.users = 10;
    broadcast.sessions = 4;
    QTest::newRow("stored broadcast") << broadcast;
    PushOutcome live;
    live.id = u"n3"_s;
    live.usersOnline = 2;
    live.sessions = 5;
    QTest::newRow("live notify") << live;
    PushOutcome liveBroadcast;
    liveBroadcast.id = u"n4"_s;
    liveBroadcast.broadcast = true;
    liveBroadcast.sessions = 7;
    QTest::newRow("live broadcast") << liveBroadcast;
}

void TestStoreService::outcomeRoundTrip()
{
    QFETCH(PushOutcome, outcome);
    const std::optional<PushOutcome> back = PushOutcome::fromBytes(outcome.toBytes());
    QVERIFY(back);
    QCOMPARE(*back, outcome);
}

void TestStoreService::malformedOutcomeIsRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("not JSON") << QByteArray("{");
    QTest::newRow("no id") << QByteArray(R"({"sessions":1,"stored":false})");
    QTest::newRow("no sessions") << QByteArray(R"({"id":"x","stored":false})");
    QTest::newRow("negative seq") << QByteArray(
        R"({"id":"x","seq":{"a":-1},"sessions":0,"users_online":0})");
    QTest::newRow("no stored, no seq") << QByteArray(R"({"id":"x","sessions":0})");
    QTest::newRow("unknown field")
        << QByteArray(R"({"extra":1,"id":"x","sessions":0,"stored":false})");
}

void TestStoreService::malformedOutcomeIsRefused()
{
    QFETCH(QByteArray, bytes);
    QVERIFY(!PushOutcome::fromBytes(bytes));
}

QTEST_GUILESS_MAIN(TestStoreService)
#include "tst_storeservice.moc"
