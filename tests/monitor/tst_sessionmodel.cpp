#include "sessionmodel.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <set>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// SessionModel: snapshots replace, events upsert and remove, bursts stay
// consistent under QAbstractItemModelTester (also through a sorting proxy).
class TestSessionModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void snapshotReplacesRows();
    void snapshotDropsRepeatedSessions();
    void eventsUpsertAndRemove_data();
    void eventsUpsertAndRemove();
    void countsFollowUsers();
    void displayAndRoles();
    void burstOfTwentyThousandEvents_data();
    void burstOfTwentyThousandEvents();

private:
    void testProxyToo();
    static SessionRecord session(int n, const QString &user = {});
    QStringList ids() const;

    std::unique_ptr<SessionModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QSortFilterProxyModel> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
};

void TestSessionModel::init()
{
    m_model = std::make_unique<SessionModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_proxy = std::make_unique<QSortFilterProxyModel>();
    m_proxy->setSourceModel(m_model.get());
    m_proxy->setSortRole(SessionModel::SortRole);
    m_proxy->sort(SessionModel::UserColumn);
}

// The tester on a sorting proxy costs time per proxy signal: only for small tests.
void TestSessionModel::testProxyToo()
{
    m_proxyTester = std::make_unique<QAbstractItemModelTester>(
        m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestSessionModel::cleanup()
{
    m_proxyTester.reset();
    m_proxy.reset();
    m_tester.reset();
    m_model.reset();
}

SessionRecord TestSessionModel::session(int n, const QString &user)
{
    return {u"s_%1"_s.arg(n), user.isEmpty() ? u"user%1"_s.arg(n % 97) : user, u"127.0.0.1"_s,
            u"Test/1.0"_s, QDateTime::fromSecsSinceEpoch(1700000000 + n, Qt::UTC)};
}

QStringList TestSessionModel::ids() const
{
    QStringList ids;
    for (int row = 0; row < m_model->rowCount(); ++row)
        ids.append(m_model->sessionAt(row).id);
    ids.sort();
    return ids;
}

void TestSessionModel::snapshotReplacesRows()
{
    testProxyToo();
    m_model->replaceAll({session(1), session(2), session(3)});
    QCOMPARE(m_model->rowCount(), 3);
    // A reconnect delivers the full snapshot again: it replaces, never appends.
    m_model->replaceAll({session(2), session(3), session(4)});
    QCOMPARE(ids(), (QStringList{u"s_2"_s, u"s_3"_s, u"s_4"_s}));
    QCOMPARE(m_model->rowOf(u"s_1"_s), -1);
    QCOMPARE(m_model->sessionAt(m_model->rowOf(u"s_4"_s)).id, u"s_4"_s);
    m_model->clear();
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->userCount(), 0);
}

void TestSessionModel::snapshotDropsRepeatedSessions()
{
    m_model->replaceAll({session(1), session(2), session(1)});
    QCOMPARE(m_model->rowCount(), 2);
}

void TestSessionModel::eventsUpsertAndRemove_data()
{
    QTest::addColumn<QList<AdminEvent>>("events");
    QTest::addColumn<QStringList>("expected");
    const SessionRecord s1 = session(1), s2 = session(2), s9 = session(9);
    QTest::newRow("open new") << QList{AdminEvent::opened(s9)}
                              << QStringList{u"s_1"_s, u"s_2"_s, u"s_9"_s};
    QTest::newRow("open known is harmless")
        << QList{AdminEvent::opened(s1)} << QStringList{u"s_1"_s, u"s_2"_s};
    QTest::newRow("close known") << QList{AdminEvent::closed(s1)} << QStringList{u"s_2"_s};
    QTest::newRow("close unknown is harmless")
        << QList{AdminEvent::closed(s9)} << QStringList{u"s_1"_s, u"s_2"_s};
    QTest::newRow("open then close in one batch")
        << QList{AdminEvent::opened(s9), AdminEvent::closed(s9)} << QStringList{u"s_1"_s, u"s_2"_s};
    QTest::newRow("close then reopen in one batch")
        << QList{AdminEvent::closed(s1), AdminEvent::opened(s1)} << QStringList{u"s_1"_s, u"s_2"_s};
    QTest::newRow("close all") << QList{AdminEvent::closed(s2), AdminEvent::closed(s1)}
                               << QStringList{};
    AdminEvent push;
    push.kind = AdminEvent::Kind::Notification;
    QTest::newRow("notifications ignored") << QList{push} << QStringList{u"s_1"_s, u"s_2"_s};
}

void TestSessionModel::eventsUpsertAndRemove()
{
    QFETCH(QList<AdminEvent>, events);
    testProxyToo();
    m_model->replaceAll({session(1), session(2)});
    m_model->applyEvents(events);
    QTEST(ids(), "expected");
    for (int row = 0; row < m_model->rowCount(); ++row)
        QCOMPARE(m_model->rowOf(m_model->sessionAt(row).id), row);
}

void TestSessionModel::countsFollowUsers()
{
    QSignalSpy counts(m_model.get(), &SessionModel::countsChanged);
    m_model->replaceAll({session(1, u"alice"_s), session(2, u"alice"_s), session(3, u"bob"_s)});
    QCOMPARE(counts.last(), (QVariantList{3, 2}));
    m_model->applyEvents({AdminEvent::closed(session(3, u"bob"_s))});
    QCOMPARE(counts.last(), (QVariantList{2, 1}));
    m_model->applyEvents({AdminEvent::opened(session(4, u"carol"_s))});
    QCOMPARE(m_model->sessionCount(), 3);
    QCOMPARE(m_model->userCount(), 2);
}

void TestSessionModel::displayAndRoles()
{
    m_model->replaceAll({session(5, u"alice"_s)});
    const QModelIndex user = m_model->index(0, SessionModel::UserColumn);
    QCOMPARE(user.data().toString(), u"alice"_s);
    QCOMPARE(user.data(SessionModel::SessionIdRole).toString(), u"s_5"_s);
    QCOMPARE(m_model->index(0, SessionModel::SessionColumn).data(SessionModel::UserIdRole),
             QVariant(u"alice"_s));
    const QModelIndex since = m_model->index(0, SessionModel::ConnectedColumn);
    QCOMPARE(since.data(SessionModel::SortRole).toDateTime(), session(5).connectedAt);
    QVERIFY(!since.data().toString().isEmpty());
    QCOMPARE(m_model->headerData(SessionModel::UserAgentColumn, Qt::Horizontal).toString(),
             u"User agent"_s);
}

void TestSessionModel::burstOfTwentyThousandEvents_data()
{
    QTest::addColumn<int>("batchSize");
    QTest::newRow("server-sized batches of 1000") << 1000;
    QTest::newRow("small batches of 50") << 50;
}

void TestSessionModel::burstOfTwentyThousandEvents()
{
    QFETCH(int, batchSize);
    // 20,000 events: opens, closes of random open sessions (also of sessions
    // opened in the same batch) and harmless closes of unknown sessions.
    QRandomGenerator random(42);
    std::set<int> open;
    QList<AdminEvent> events;
    int next = 0;
    while (events.size() < 20000) {
        // Churn around a few hundred open sessions, as a busy server's log
        // looks: the range-removal path runs thousands of times.
        const int dice = open.size() >= 600 ? 8 : int(random.bounded(10));
        if (dice < 5 || open.empty()) {
            open.insert(next);
            events.append(AdminEvent::opened(session(next++)));
        } else if (dice < 9) {
            auto it = open.begin();
            std::advance(it, random.bounded(int(open.size())));
            events.append(AdminEvent::closed(session(*it)));
            open.erase(it);
        } else {
            events.append(AdminEvent::closed(session(next + 100000))); // never opened
        }
    }
    for (qsizetype first = 0; first < events.size(); first += batchSize)
        m_model->applyEvents(events.mid(first, batchSize));
    QStringList expected;
    for (int n : open)
        expected.append(session(n).id);
    expected.sort();
    QCOMPARE(ids(), expected);
    QCOMPARE(m_proxy->rowCount(), int(open.size()));
    for (int row = 0; row < m_model->rowCount(); ++row)
        QCOMPARE(m_model->rowOf(m_model->sessionAt(row).id), row);
}

QTEST_GUILESS_MAIN(TestSessionModel)
#include "tst_sessionmodel.moc"
