#include "adminclient.h"
#include "sessionactions.h"
#include "sessionmodel.h"
#include "sessionspane.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The sessions pane: the filter box filters any column; counts follow.
class TestSessionsPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void filterBoxFilters_data();
    void filterBoxFilters();
    void countsFollowTheModelAndTheFilter();
    void sortsByColumn();

private:
    AdminClient m_client;
    SessionModel m_model;
    std::unique_ptr<SessionActions> m_actions;
};

void TestSessionsPane::init()
{
    m_actions = std::make_unique<SessionActions>(m_client);
    m_model.replaceAll({
        {u"s_1"_s, u"alice"_s, u"10.0.0.1"_s, u"Firefox/128"_s,
         QDateTime::fromSecsSinceEpoch(1700000300, Qt::UTC)},
        {u"s_2"_s, u"alice"_s, u"10.0.0.2"_s, u"Chrome/126"_s,
         QDateTime::fromSecsSinceEpoch(1700000100, Qt::UTC)},
        {u"s_3"_s, u"bob"_s, u"192.168.1.9"_s, u"Safari/17"_s,
         QDateTime::fromSecsSinceEpoch(1700000200, Qt::UTC)},
    });
}

void TestSessionsPane::filterBoxFilters_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<int>("rows");
    QTest::newRow("nothing") << QString() << 3;
    QTest::newRow("user") << u"alice"_s << 2;
    QTest::newRow("case-insensitive") << u"BOB"_s << 1;
    QTest::newRow("session id") << u"s_2"_s << 1;
    QTest::newRow("address") << u"192.168"_s << 1;
    QTest::newRow("user agent") << u"chrome"_s << 1;
    QTest::newRow("no match") << u"zed"_s << 0;
}

void TestSessionsPane::filterBoxFilters()
{
    QFETCH(QString, typed);
    SessionsPane pane(m_model, *m_actions);
    pane.show();
    QTest::keyClicks(&pane.filterEdit(), typed);
    QTEST(pane.view().model()->rowCount(), "rows");
    pane.filterEdit().clear();
    QCOMPARE(pane.view().model()->rowCount(), 3);
}

void TestSessionsPane::countsFollowTheModelAndTheFilter()
{
    SessionsPane pane(m_model, *m_actions);
    QSignalSpy counts(&pane, &SessionsPane::countsChanged);
    QTest::keyClicks(&pane.filterEdit(), u"alice"_s);
    QCOMPARE(counts.last(), (QVariantList{2, 3, 2}));
    m_model.applyEvents({AdminEvent::opened({u"s_4"_s, u"alice"_s, {}, {}, {}})});
    QCOMPARE(counts.last(), (QVariantList{3, 4, 2}));
}

void TestSessionsPane::sortsByColumn()
{
    SessionsPane pane(m_model, *m_actions);
    QAbstractItemModel *shown = pane.view().model();
    // Newest connection first by default.
    QCOMPARE(shown->index(0, SessionModel::SessionColumn).data().toString(), u"s_1"_s);
    pane.view().sortByColumn(SessionModel::AddressColumn, Qt::AscendingOrder);
    QCOMPARE(shown->index(0, SessionModel::AddressColumn).data().toString(), u"10.0.0.1"_s);
    QCOMPARE(shown->index(2, SessionModel::AddressColumn).data().toString(), u"192.168.1.9"_s);
    // Counters sort as numbers and times, not as text ("100" < "9").
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_model.applyCounters({{u"s_1"_s, {100, now.addSecs(-5)}},
                           {u"s_2"_s, {9, QDateTime()}},
                           {u"s_3"_s, {10, now.addSecs(-40)}}});
    pane.view().sortByColumn(SessionModel::FramesSentColumn, Qt::AscendingOrder);
    QCOMPARE(shown->index(0, SessionModel::SessionColumn).data().toString(), u"s_2"_s);
    QCOMPARE(shown->index(2, SessionModel::SessionColumn).data().toString(), u"s_1"_s);
    pane.view().sortByColumn(SessionModel::LastPongColumn, Qt::DescendingOrder);
    QCOMPARE(shown->index(0, SessionModel::SessionColumn).data().toString(), u"s_1"_s);
    QCOMPARE(shown->index(2, SessionModel::LastPongColumn).data().toString(), u"not yet"_s);
}

QTEST_MAIN(TestSessionsPane)
#include "tst_sessionspane.moc"
