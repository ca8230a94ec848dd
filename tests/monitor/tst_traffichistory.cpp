#include "traffichistory.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// TrafficHistory keeps the last window of stats samples.
class TestTrafficHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsTheLastFiveMinutes();
    void peaksAndLatest();
    void clockStepBackStartsOver();

private:
    static StatsSample at(int second, double pushes = 0, double frames = 0);
};

StatsSample TestTrafficHistory::at(int second, double pushes, double frames)
{
    StatsSample sample;
    sample.receivedAt = QDateTime::fromSecsSinceEpoch(1700000000 + second, Qt::UTC);
    sample.pushesPerSecond = pushes;
    sample.framesPerSecond = frames;
    return sample;
}

void TestTrafficHistory::keepsTheLastFiveMinutes()
{
    TrafficHistory history;
    QSignalSpy changed(&history, &TrafficHistory::changed);
    for (int second = 0; second < 600; ++second)
        history.add(at(second));
    QCOMPARE(changed.size(), 600);
    QCOMPARE(history.samples().size(), 301); // seconds 299..599, both ends included
    QCOMPARE(history.samples().first().receivedAt, at(299).receivedAt);
}

void TestTrafficHistory::peaksAndLatest()
{
    TrafficHistory history(60);
    QVERIFY(!history.latest());
    QCOMPARE(history.peak(TrafficHistory::Metric::PushesPerSecond), 0.0);
    history.add(at(0, 50, 10));
    history.add(at(1, 5, 900));
    history.add(at(100, 7, 20)); // the first two fall out of the 60 s window
    QCOMPARE(history.samples().size(), 1);
    QCOMPARE(history.peak(TrafficHistory::Metric::PushesPerSecond), 7.0);
    QCOMPARE(history.latest()->framesPerSecond, 20.0);
    QCOMPARE(TrafficHistory::value(*history.latest(), TrafficHistory::Metric::FramesPerSecond),
             20.0);
}

void TestTrafficHistory::clockStepBackStartsOver()
{
    TrafficHistory history;
    history.add(at(10));
    history.add(at(11));
    history.add(at(5));
    QCOMPARE(history.samples().size(), 1);
}

QTEST_GUILESS_MAIN(TestTrafficHistory)
#include "tst_traffichistory.moc"
