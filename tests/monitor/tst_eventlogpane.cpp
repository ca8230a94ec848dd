#include "eventlogmodel.h"
#include "eventlogpane.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The event log pane: filter by user, pause, save what is shown.
class TestEventLogPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void filterBoxFilters();
    void pauseButtonHoldsEvents();
    void savesTheShownRows();

private:
    static EventLogEntry connectOf(const QString &user);

    std::unique_ptr<EventLogModel> m_model;
};

EventLogEntry TestEventLogPane::connectOf(const QString &user)
{
    return EventLogEntry::fromEvent(AdminEvent::opened({u"s_"_s + user, user, {}, {}, {}}),
                                    QDateTime::currentDateTimeUtc());
}

void TestEventLogPane::init()
{
    m_model = std::make_unique<EventLogModel>();
    m_model->append({connectOf(u"alice"_s), connectOf(u"bob"_s), connectOf(u"alina"_s)});
}

void TestEventLogPane::filterBoxFilters()
{
    EventLogPane pane(*m_model);
    QTest::keyClicks(&pane.userFilter(), u"ali"_s);
    QCOMPARE(pane.shownCount(), 2);
    pane.userFilter().clear();
    QCOMPARE(pane.shownCount(), 3);
}

void TestEventLogPane::pauseButtonHoldsEvents()
{
    EventLogPane pane(*m_model);
    pane.show();
    QTest::mouseClick(&pane.pauseButton(), Qt::LeftButton);
    QVERIFY(m_model->isPaused());
    m_model->append(connectOf(u"carol"_s));
    QCOMPARE(pane.shownCount(), 3);
    QTest::mouseClick(&pane.pauseButton(), Qt::LeftButton);
    QVERIFY(!m_model->isPaused());
    QCOMPARE(pane.shownCount(), 4);
}

void TestEventLogPane::savesTheShownRows()
{
    QTemporaryDir dir;
    EventLogPane pane(*m_model);
    pane.userFilter().setText(u"bob"_s);
    const QString path = dir.filePath(u"events.tsv"_s);
    QVERIFY(pane.saveTo(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2); // header and bob's connect
    QVERIFY(lines[1].contains("\tbob\ts_bob\t"));
}

QTEST_MAIN(TestEventLogPane)
#include "tst_eventlogpane.moc"
