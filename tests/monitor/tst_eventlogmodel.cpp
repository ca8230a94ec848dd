#include "eventfiltermodel.h"
#include "eventlogmodel.h"
#include "eventlogwriter.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// EventLogModel: bounded, pausable; filtered by user; saved as text.
class TestEventLogModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void entriesFromEvents();
    void boundedToCapacity_data();
    void boundedToCapacity();
    void pauseHoldsEntries();
    void filterByUser_data();
    void filterByUser();
    void writesTabSeparatedText();
    void burstOfEvents();

private:
    static EventLogEntry connectOf(const QString &user, int n = 0);
};

EventLogEntry TestEventLogModel::connectOf(const QString &user, int n)
{
    const AdminSessionRecord session{u"s_%1"_s.arg(n), user, u"10.0.0.1"_s, u"UA"_s, {}};
    return EventLogEntry::fromEvent(AdminEvent::opened(session),
                                    QDateTime::fromSecsSinceEpoch(1700000000 + n, Qt::UTC));
}

void TestEventLogModel::entriesFromEvents()
{
    EventLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    AdminEvent push;
    push.kind = AdminEvent::Kind::Notification;
    push.eventName = u"message.created"_s;
    push.users = {u"alice"_s, u"bob"_s};
    push.userCount = 5;
    push.sessionsReached = 3;
    model.append({connectOf(u"alice"_s, 1), EventLogEntry::fromEvent(push, {})});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, EventLogModel::KindColumn).data().toString(), u"connect"_s);
    QCOMPARE(model.index(0, EventLogModel::SessionColumn).data().toString(), u"s_1"_s);
    QCOMPARE(model.index(1, EventLogModel::UserColumn).data().toString(), u"alice, bob +3 more"_s);
    QVERIFY(
        model.index(1, EventLogModel::DetailsColumn).data().toString().contains(u"3 sessions"_s));
    QCOMPARE(model.index(1, 0).data(EventLogModel::UsersRole).toStringList(),
             (QStringList{u"alice"_s, u"bob"_s}));
}

void TestEventLogModel::boundedToCapacity_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("batches");
    QTest::addColumn<int>("batchSize");
    QTest::newRow("one at a time") << 10 << 25 << 1;
    QTest::newRow("batches smaller than capacity") << 10 << 7 << 4;
    QTest::newRow("one batch larger than capacity") << 10 << 1 << 25;
}

void TestEventLogModel::boundedToCapacity()
{
    QFETCH(int, capacity);
    QFETCH(int, batches);
    QFETCH(int, batchSize);
    EventLogModel model(capacity);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    int n = 0;
    for (int b = 0; b < batches; ++b) {
        QList<EventLogEntry> batch;
        for (int i = 0; i < batchSize; ++i)
            batch.append(connectOf(u"u"_s, n++));
        model.append(batch);
    }
    QCOMPARE(model.rowCount(), std::min(capacity, n));
    // The newest entries are kept, oldest first.
    QCOMPARE(model.entryAt(model.rowCount() - 1).sessionId, u"s_%1"_s.arg(n - 1));
    QCOMPARE(model.entryAt(0).sessionId, u"s_%1"_s.arg(n - model.rowCount()));
}

void TestEventLogModel::pauseHoldsEntries()
{
    EventLogModel model(5);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy held(&model, &EventLogModel::heldCountChanged);
    model.append(connectOf(u"a"_s, 0));
    model.setPaused(true);
    for (int n = 1; n <= 7; ++n)
        model.append(connectOf(u"a"_s, n));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.heldCount(), 5); // held entries are bounded too
    QCOMPARE(held.last().first().toInt(), 5);
    model.setPaused(false);
    QCOMPARE(model.heldCount(), 0);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.entryAt(4).sessionId, u"s_7"_s);
}

void TestEventLogModel::filterByUser_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("rows");
    QTest::newRow("none") << QString() << 5;
    QTest::newRow("exact") << u"alice"_s << 2;
    QTest::newRow("case and part") << u"ALI"_s << 2;
    QTest::newRow("in a push's user list") << u"bob"_s << 2;
    QTest::newRow("nobody") << u"zed"_s << 0;
    QTest::newRow("blank is none") << u"  "_s << 5;
}

void TestEventLogModel::filterByUser()
{
    QFETCH(QString, filter);
    EventLogModel model;
    AdminEvent push;
    push.kind = AdminEvent::Kind::Notification;
    push.users = {u"bob"_s, u"carol"_s};
    AdminEvent broadcast;
    broadcast.kind = AdminEvent::Kind::Notification;
    broadcast.broadcast = true;
    model.append({connectOf(u"alice"_s, 1), connectOf(u"bob"_s, 2), connectOf(u"alice"_s, 3),
                  EventLogEntry::fromEvent(push, {}), EventLogEntry::fromEvent(broadcast, {})});
    EventFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setUserFilter(filter);
    QTEST(proxy.rowCount(), "rows");
}

void TestEventLogModel::writesTabSeparatedText()
{
    EventLogModel model;
    model.append(connectOf(u"alice"_s, 1));
    model.append(EventLogEntry::notice(u"two\tlines\nhere"_s,
                                       QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC)));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(EventLogWriter::write(model, buffer, EventLogModel::ExportRole));
    const QList<QByteArray> lines = buffer.data().split('\n');
    QCOMPARE(lines.size(), 4); // header, two rows, the empty rest after the last newline
    QCOMPARE(lines[0], QByteArray("Time\tEvent\tUser\tSession\tDetails"));
    QVERIFY(lines[1].startsWith("2023-11-14T22:13:21.000Z\tconnect\talice\ts_1\t"));
    QVERIFY(lines[2].endsWith("\tconsole\t\t\ttwo lines here"));
}

void TestEventLogModel::burstOfEvents()
{
    EventLogModel model(5000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int batch = 0; batch < 20; ++batch) {
        QList<EventLogEntry> entries;
        for (int i = 0; i < 1000; ++i)
            entries.append(connectOf(u"u%1"_s.arg(i % 50), batch * 1000 + i));
        model.append(entries);
    }
    QCOMPARE(model.rowCount(), 5000);
    QCOMPARE(model.entryAt(0).sessionId, u"s_15000"_s);
}

QTEST_GUILESS_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
