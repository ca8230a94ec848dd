#include "sessionformat.h"
#include "sessionmodel.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <set>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// SessionModel: snapshots replace, events upsert and remove, counters change
// known rows only; bursts stay consistent under QAbstractItemModelTester (also
// through a sorting proxy).
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
    void counterColumns_data();
    void counterColumns();
    void ageText_data();
    void ageText();
    void countersChangeKnownRowsOnly();
    void eventsDoNotTurnCountersBack();
    void burstOfCounterUpdates();

private:
    void testProxyToo();
    static AdminSessionRecord session(int n, const QString &user = {});
    static QHash<QString, AdminSessionCounters>
    framesSent(const QList<std::pair<int, qint64>> &sent);
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

AdminSessionRecord TestSessionModel::session(int n, const QString &user)
{
    return {u"s_%1"_s.arg(n), user.isEmpty() ? u"user%1"_s.arg(n % 97) : user, u"127.0.0.1"_s,
            u"Test/1.0"_s, QDateTime::fromSecsSinceEpoch(1700000000 + n, Qt::UTC)};
}

QHash<QString, AdminSessionCounters>
TestSessionModel::framesSent(const QList<std::pair<int, qint64>> &sent)
{
    QHash<QString, AdminSessionCounters> counters;
    for (const auto &[n, frames] : sent)
        counters.insert(session(n).id, {frames, QDateTime()});
    return counters;
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
    const AdminSessionRecord s1 = session(1), s2 = session(2), s9 = session(9);
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
    QCOMPARE(m_model->headerData(SessionModel::NodeColumn, Qt::Horizontal).toString(), u"Node"_s);
    QCOMPARE(m_model->index(0, SessionModel::NodeColumn).data().toString(), QString());
    AdminSessionRecord elsewhere = session(6, u"bob"_s);
    elsewhere.node = u"node-b"_s;
    m_model->applyEvents({AdminEvent::opened(elsewhere)});
    QCOMPARE(m_model->index(m_model->rowOf(u"s_6"_s), SessionModel::NodeColumn).data().toString(),
             u"node-b"_s);
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

using OptionalCount = std::optional<qint64>;
using OptionalTime = std::optional<QDateTime>;

void TestSessionModel::counterColumns_data()
{
    QTest::addColumn<OptionalCount>("framesSent");
    QTest::addColumn<OptionalTime>("lastPongAt");
    QTest::addColumn<QVariant>("framesShown");
    QTest::addColumn<QString>("pongShown");
    QTest::addColumn<qint64>("pongSortKey");
    const QDateTime pong = QDateTime::currentDateTimeUtc().addSecs(-12);
    QTest::newRow("older server: blank")
        << OptionalCount() << OptionalTime() << QVariant() << QString() << qint64(-2);
    QTest::newRow("no pong yet") << OptionalCount(1) << OptionalTime(QDateTime())
                                 << QVariant(qint64(1)) << u"not yet"_s << qint64(-1);
    QTest::newRow("pong 12 s ago")
        << OptionalCount(1234567) << OptionalTime(pong) << QVariant(qint64(1234567))
        << u"12 s ago"_s << pong.toMSecsSinceEpoch();
}

void TestSessionModel::counterColumns()
{
    QFETCH(OptionalCount, framesSent);
    QFETCH(OptionalTime, lastPongAt);
    AdminSessionRecord record = session(1);
    record.counters = {framesSent, lastPongAt};
    m_model->replaceAll({record});
    const QModelIndex frames = m_model->index(0, SessionModel::FramesSentColumn);
    const QModelIndex pong = m_model->index(0, SessionModel::LastPongColumn);
    QTEST(frames.data(), "framesShown");
    QCOMPARE(frames.data(SessionModel::SortRole).toLongLong(), framesSent.value_or(-1));
    QCOMPARE(frames.data(Qt::TextAlignmentRole).value<Qt::Alignment>(),
             Qt::AlignRight | Qt::AlignVCenter);
    QTEST(pong.data().toString(), "pongShown");
    QTEST(pong.data(SessionModel::SortRole).toLongLong(), "pongSortKey");
    QVERIFY(!pong.data(Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(m_model->headerData(SessionModel::LastPongColumn, Qt::Horizontal).toString(),
             u"Last pong"_s);
    QCOMPARE(m_model->headerData(SessionModel::FramesSentColumn, Qt::Horizontal).toString(),
             u"Frames sent"_s);
}

void TestSessionModel::ageText_data()
{
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("expected");
    QTest::newRow("now") << qint64(0) << u"just now"_s;
    QTest::newRow("clock skew") << qint64(-3) << u"just now"_s;
    QTest::newRow("seconds") << qint64(59) << u"59 s ago"_s;
    QTest::newRow("minutes") << qint64(150) << u"2 min ago"_s;
    QTest::newRow("hours") << qint64(7300) << u"2 h ago"_s;
}

void TestSessionModel::ageText()
{
    QFETCH(qint64, secondsAgo);
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);
    QTEST(SessionFormat::age(now.addSecs(-secondsAgo), now), "expected");
    // Beyond a day: the date, not "49 h ago".
    QVERIFY(SessionFormat::age(now.addDays(-3), now).contains(u"-"_s));
}

void TestSessionModel::countersChangeKnownRowsOnly()
{
    testProxyToo();
    m_proxy->sort(SessionModel::FramesSentColumn, Qt::DescendingOrder);
    m_model->replaceAll({session(1), session(2), session(3), session(4)});
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->applyCounters(framesSent({{1, 10}, {2, 20}, {4, 40}, {99, 5}}));
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->rowOf(session(99).id), -1);
    // Rows 0-1 and 3: two ranges, over the counter columns only.
    QCOMPARE(changed.size(), 2);
    for (const QList<QVariant> &signal : changed) {
        QCOMPARE(signal.at(0).toModelIndex().column(), int(SessionModel::LastPongColumn));
        QCOMPARE(signal.at(1).toModelIndex().column(), int(SessionModel::FramesSentColumn));
    }
    QCOMPARE(m_model->sessionAt(m_model->rowOf(u"s_4"_s)).counters.framesSent, 40);
    QCOMPARE(m_proxy->index(0, SessionModel::SessionColumn).data().toString(), u"s_4"_s);
    // Older or equal counters change nothing and say nothing.
    m_model->applyCounters(framesSent({{1, 9}, {2, 20}}));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(m_model->sessionAt(m_model->rowOf(u"s_1"_s)).counters.framesSent, 10);
    m_model->applyCounters({});
    QCOMPARE(changed.size(), 2);
}

// An event can carry older counters than a counters frame already applied
// (held events, a snapshot/event overlap): the row keeps the newer values.
void TestSessionModel::eventsDoNotTurnCountersBack()
{
    const QDateTime pong = QDateTime::fromSecsSinceEpoch(1700000100, Qt::UTC);
    AdminSessionRecord record = session(1);
    record.counters = {2, QDateTime()};
    m_model->replaceAll({record});
    m_model->applyCounters({{record.id, {8, pong}}});
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->applyEvents({AdminEvent::opened(record)});
    QCOMPARE(m_model->sessionAt(0).counters, (AdminSessionCounters{8, pong}));
    QCOMPARE(changed.size(), 0);
    record.userAgent = u"Other/2.0"_s; // a real change still applies
    m_model->applyEvents({AdminEvent::opened(record)});
    QCOMPARE(m_model->sessionAt(0).userAgent, u"Other/2.0"_s);
    QCOMPARE(m_model->sessionAt(0).counters.framesSent, 8);
}

// 5,000 sessions, 60 counter frames of up to 1,000 entries each (a tenth for
// ids the model does not list), with sessions closing between frames.
void TestSessionModel::burstOfCounterUpdates()
{
    m_proxy->sort(SessionModel::FramesSentColumn, Qt::DescendingOrder);
    QList<AdminSessionRecord> sessions;
    for (int n = 0; n < 5000; ++n)
        sessions.append(session(n));
    m_model->replaceAll(sessions);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QRandomGenerator random(7);
    QHash<QString, qint64> expected;
    std::set<int> closed;
    for (int frame = 0; frame < 60; ++frame) {
        QList<std::pair<int, qint64>> sent;
        const int entries = 1 + int(random.bounded(1000));
        for (int i = 0; i < entries; ++i) {
            const int n = int(random.bounded(5500)); // 5000+: never listed
            sent.append({n, frame * 1000 + i});
            if (n < 5000 && !closed.count(n))
                expected.insert(session(n).id, frame * 1000 + i);
        }
        const int signalsBefore = int(changed.size());
        m_model->applyCounters(framesSent(sent));
        QVERIFY(changed.size() - signalsBefore <= SessionModel::MaxChangedRanges);
        const int gone = int(random.bounded(5000));
        if (closed.insert(gone).second) {
            m_model->applyEvents({AdminEvent::closed(session(gone))});
            expected.remove(session(gone).id);
        }
    }
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(m_model->rowCount(), 5000 - int(closed.size()));
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const AdminSessionRecord &record = m_model->sessionAt(row);
        QCOMPARE(record.counters.framesSent.value_or(-1), expected.value(record.id, -1));
    }
    for (int row = 1; row < m_proxy->rowCount(); ++row) {
        const auto key = [&](int r) {
            return m_proxy->index(r, SessionModel::FramesSentColumn)
                .data(SessionModel::SortRole)
                .toLongLong();
        };
        QVERIFY2(key(row - 1) >= key(row), qPrintable(u"proxy row %1"_s.arg(row)));
    }
}

QTEST_GUILESS_MAIN(TestSessionModel)
#include "tst_sessionmodel.moc"
