#include "snapshotassembler.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// SnapshotAssembler: batches add up, repeats collapse, live events and counters wait.
class TestSnapshotAssembler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchesAddUp();
    void repeatedSessionKeepsLastCopy();
    void eventsAreHeldUntilDone();
    void countersAreHeldAndMerged();
    void beginDiscardsAPartialSequence();
};

static AdminSessionRecord record(const QString &id, const QString &user = u"u"_s)
{
    return {id, user, {}, {}, {}};
}

void TestSnapshotAssembler::batchesAddUp()
{
    SnapshotAssembler assembler;
    assembler.begin();
    QVERIFY(assembler.isAssembling());
    QVERIFY(!assembler.addBatch({record(u"a"_s), record(u"b"_s)}, false));
    QVERIFY(assembler.addBatch({record(u"c"_s)}, true));
    QVERIFY(!assembler.isAssembling());
    QCOMPARE(assembler.takeSessions().size(), 3);
    QVERIFY(assembler.takeSessions().isEmpty());
}

void TestSnapshotAssembler::repeatedSessionKeepsLastCopy()
{
    SnapshotAssembler assembler;
    assembler.begin();
    assembler.addBatch({record(u"a"_s, u"old"_s)}, false);
    assembler.addBatch({record(u"a"_s, u"new"_s)}, true);
    const QList<AdminSessionRecord> sessions = assembler.takeSessions();
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.first().user, u"new"_s);
}

void TestSnapshotAssembler::eventsAreHeldUntilDone()
{
    SnapshotAssembler assembler;
    assembler.begin();
    assembler.holdEvents({AdminEvent::opened(record(u"x"_s))});
    assembler.addBatch({}, true);
    QCOMPARE(assembler.takeHeldEvents().size(), 1);
    QVERIFY(assembler.takeHeldEvents().isEmpty());
}

void TestSnapshotAssembler::countersAreHeldAndMerged()
{
    const QDateTime pong = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    SnapshotAssembler assembler;
    assembler.begin();
    assembler.holdCounters({{u"a"_s, {3, QDateTime()}}, {u"b"_s, {1, {}}}});
    assembler.holdCounters({{u"a"_s, {7, pong}}});
    assembler.holdCounters({{u"a"_s, {5, QDateTime()}}}); // older: changes nothing
    assembler.addBatch({record(u"a"_s)}, true);
    const QHash<QString, AdminSessionCounters> held = assembler.takeHeldCounters();
    QCOMPARE(held.size(), 2);
    QCOMPARE(held.value(u"a"_s), (AdminSessionCounters{7, pong}));
    QCOMPARE(held.value(u"b"_s).framesSent, std::optional<qint64>(1));
    QVERIFY(assembler.takeHeldCounters().isEmpty());
    assembler.begin();
    assembler.holdCounters({{u"a"_s, {1, {}}}});
    assembler.begin(); // a new sequence forgets what the last one held
    QVERIFY(assembler.takeHeldCounters().isEmpty());
}

void TestSnapshotAssembler::beginDiscardsAPartialSequence()
{
    SnapshotAssembler assembler;
    assembler.begin();
    assembler.addBatch({record(u"a"_s)}, false);
    assembler.holdEvents({AdminEvent::opened(record(u"x"_s))});
    assembler.begin();
    assembler.addBatch({record(u"b"_s)}, true);
    const QList<AdminSessionRecord> sessions = assembler.takeSessions();
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.first().id, u"b"_s);
    QVERIFY(assembler.takeHeldEvents().isEmpty());
}

QTEST_GUILESS_MAIN(TestSnapshotAssembler)
#include "tst_snapshotassembler.moc"
