#include "trafficchart.h"
#include "traffichistory.h"
#include "trafficpane.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The traffic pane: round chart axes, totals from the newest sample, and
// painting that survives empty, gappy and full histories.
class TestTrafficPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void axisMaximum_data();
    void axisMaximum();
    void totalsFollowTheNewestSample();
    void paintsAnyHistory();
};

void TestTrafficPane::axisMaximum_data()
{
    QTest::addColumn<double>("peak");
    QTest::addColumn<double>("maximum");
    QTest::newRow("idle") << 0.0 << 4.0;
    QTest::newRow("one") << 1.0 << 4.0;
    QTest::newRow("just above a step") << 4.1 << 8.0;
    QTest::newRow("13") << 13.0 << 20.0;
    QTest::newRow("28") << 28.0 << 40.0;
    QTest::newRow("59") << 59.0 << 80.0;
    QTest::newRow("exact") << 200.0 << 200.0;
    QTest::newRow("large") << 123456.0 << 200000.0;
}

void TestTrafficPane::axisMaximum()
{
    QFETCH(double, peak);
    QTEST(TrafficChart::axisMaximum(peak), "maximum");
}

void TestTrafficPane::totalsFollowTheNewestSample()
{
    TrafficHistory history;
    TrafficPane pane(history);
    QCOMPARE(pane.totalText(u"sessions"_s), u"–"_s);
    StatsSample sample;
    sample.receivedAt = QDateTime::currentDateTimeUtc();
    sample.sessions = 1234;
    sample.uptimeSeconds = 3725;
    history.add(sample);
    QCOMPARE(pane.totalText(u"sessions"_s), QLocale().toString(1234));
    QCOMPARE(pane.totalText(u"uptime"_s), u"1h 2m"_s);
}

void TestTrafficPane::paintsAnyHistory()
{
    TrafficHistory history;
    TrafficPane pane(history);
    pane.resize(500, 600);
    pane.show();
    QVERIFY(!pane.grab().isNull()); // empty
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int second = 300; second >= 0; --second) {
        if (second > 100 && second < 120)
            continue; // a gap: the console was disconnected
        StatsSample sample;
        sample.receivedAt = now.addSecs(-second);
        sample.pushesPerSecond = second % 7;
        sample.framesPerSecond = 1e6; // far above any earlier peak
        history.add(sample);
    }
    QVERIFY(!pane.grab().isNull());
}

QTEST_MAIN(TestTrafficPane)
#include "tst_trafficpane.moc"
