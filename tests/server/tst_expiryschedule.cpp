#include "ws/expiryschedule.h"

#include <QTest>

using Herald::ExpirySchedule;
using Herald::Session;

// The order in which a worker closes sessions whose tokens expire. Sessions are only
// compared by address here, never dereferenced.
class TestExpirySchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void takesDueInOrder();
    void removeForgetsOneEntry();
    void sameTimeKeepsBoth();

private:
    static Session *fake(quintptr n) { return reinterpret_cast<Session *>(n * 16); }
};

void TestExpirySchedule::takesDueInOrder()
{
    ExpirySchedule schedule;
    QCOMPARE(schedule.next(), std::nullopt);
    schedule.add(300, fake(3));
    schedule.add(100, fake(1));
    schedule.add(200, fake(2));
    QCOMPARE(schedule.next(), 100);
    QCOMPARE(schedule.takeDue(99), QList<Session *>());
    QCOMPARE(schedule.takeDue(200), QList<Session *>({fake(1), fake(2)}));
    QCOMPARE(schedule.size(), 1);
    QCOMPARE(schedule.next(), 300);
    QCOMPARE(schedule.takeDue(1000), QList<Session *>({fake(3)}));
    QCOMPARE(schedule.next(), std::nullopt);
}

void TestExpirySchedule::removeForgetsOneEntry()
{
    ExpirySchedule schedule;
    schedule.add(100, fake(1));
    schedule.add(200, fake(2));
    schedule.remove(100, fake(1));
    schedule.remove(100, fake(1)); // already gone: nothing happens
    schedule.remove(200, fake(1)); // not scheduled at that time
    QCOMPARE(schedule.size(), 1);
    QCOMPARE(schedule.takeDue(500), QList<Session *>({fake(2)}));
}

void TestExpirySchedule::sameTimeKeepsBoth()
{
    ExpirySchedule schedule;
    schedule.add(100, fake(1));
    schedule.add(100, fake(2));
    QCOMPARE(schedule.size(), 2);
    QCOMPARE(schedule.takeDue(100).size(), 2);
}

QTEST_GUILESS_MAIN(TestExpirySchedule)
#include "tst_expiryschedule.moc"
