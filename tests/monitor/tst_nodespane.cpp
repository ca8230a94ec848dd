#include "fakeadminserver.h"
#include "mainwindow.h"
#include "memorytokenstore.h"
#include "monitor.h"
#include "nodestatsmodel.h"
#include "profilestore.h"

#include <QDockWidget>
#include <QJsonArray>
#include <QLocale>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The nodes pane in the composed window, fed through the real Monitor by a
// scripted admin channel: hidden for a single node, shown with one row per
// node for a cluster, hidden again when the frames stop naming nodes or the
// connection is lost.
class TestNodesPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void showsNodesOfCluster();
    void hidesWhenConnectionLost();

private:
    bool goLive();
    // A stats frame; with \a connected, the "nodes" of a cluster.
    void sendStats(int sessions, const QString &connected = {},
                   const QList<QPair<QString, int>> &nodes = {});
    bool nodesShown() const { return m_window->nodesPane().isVisible(); }
    QString countText() const;
    QString cell(int row, int column) const;

    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<ProfileStore> m_profiles;
    MemoryTokenStore m_tokens;
    std::unique_ptr<FakeAdminServer> m_server;
    std::unique_ptr<Monitor> m_monitor;
    std::unique_ptr<MainWindow> m_window;
};

void TestNodesPane::init()
{
    m_settings
        = std::make_unique<QSettings>(m_dir.filePath(u"monitor.ini"_s), QSettings::IniFormat);
    m_profiles = std::make_unique<ProfileStore>(*m_settings);
    m_server = std::make_unique<FakeAdminServer>();
    QVERIFY(m_server->listen());
    m_monitor = std::make_unique<Monitor>();
    m_monitor->client().setBackoff(Backoff(50, 200, 0));
    m_window = std::make_unique<MainWindow>(*m_monitor, *m_profiles, m_tokens);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestNodesPane::cleanup()
{
    m_window.reset();
    m_monitor.reset();
    m_server.reset();
}

bool TestNodesPane::goLive()
{
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    m_monitor->connectTo({m_server->apiUrl(), "token"});
    if (!connected.wait(10000))
        return false;
    m_server->sendHello();
    m_server->sendSnapshot({});
    return QTest::qWaitFor(
        [this] { return m_monitor->client().state() == AdminClient::State::Live; }, 10000);
}

void TestNodesPane::sendStats(int sessions, const QString &connected,
                              const QList<QPair<QString, int>> &nodes)
{
    QJsonObject frame{{u"type"_s, u"stats"_s}, {u"sessions"_s, sessions}, {u"users"_s, 1}};
    if (!connected.isEmpty()) {
        QJsonArray list;
        for (const auto &[node, count] : nodes)
            list.append(QJsonObject{{u"node"_s, node},
                                    {u"sessions"_s, count},
                                    {u"users"_s, count},
                                    {u"rss_bytes"_s, 50 << 20},
                                    {u"uptime_s"_s, 90}});
        frame.insert(u"node"_s, connected);
        frame.insert(u"nodes"_s, list);
    }
    m_server->send(frame);
}

QString TestNodesPane::countText() const
{
    return m_window->statusBar()->findChild<SessionCountLabel *>()->text();
}

QString TestNodesPane::cell(int row, int column) const
{
    return m_window->nodesPane().view().model()->index(row, column).data().toString();
}

void TestNodesPane::showsNodesOfCluster()
{
    QVERIFY(goLive());
    QTableView &view = m_window->nodesPane().view();

    sendStats(5); // a single node: no "node", no "nodes"
    QTRY_COMPARE_WITH_TIMEOUT(m_window->trafficPane().totalText(u"sessions"_s), u"5"_s, 10000);
    QVERIFY(!nodesShown());
    QVERIFY2(!countText().contains(u"node"_s), qPrintable(countText()));

    sendStats(30, u"b:8080"_s, {{u"a:8080"_s, 10}, {u"b:8080"_s, 20}});
    QTRY_VERIFY_WITH_TIMEOUT(nodesShown(), 10000);
    QCOMPARE(view.model()->rowCount(), 2);
    QCOMPARE(cell(0, NodeStatsModel::NodeColumn), u"a:8080"_s);
    QCOMPARE(cell(1, NodeStatsModel::NodeColumn), u"b:8080"_s);
    QCOMPARE(cell(1, NodeStatsModel::SessionsColumn), QLocale().toString(20));
    QVERIFY(view.model()->index(1, 0).data(NodeStatsModel::ConnectedRole).toBool());
    QVERIFY(!view.model()->index(0, 0).data(NodeStatsModel::ConnectedRole).toBool());
    QVERIFY2(countText().contains(u" on 2 nodes"_s), qPrintable(countText()));
    QVERIFY(m_window->nodesPane().parentWidget()->isVisible()); // the dock itself
    // It opens wide enough for its columns, or half of the bottom beside the log.
    const auto *log = m_window->eventLogPane().parentWidget();
    const int wanted = std::min(m_window->nodesPane().sizeHint().width(),
                                (log->width() + m_window->nodesPane().width()) / 2);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->nodesPane().width() >= wanted - 4, 10000);

    // The operator selects a; a third node joins before it: the selection stays on a.
    view.selectRow(0);
    sendStats(36, u"b:8080"_s, {{u"0:8080"_s, 6}, {u"a:8080"_s, 11}, {u"b:8080"_s, 19}});
    QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 3, 10000);
    QCOMPARE(cell(1, NodeStatsModel::SessionsColumn), QLocale().toString(11));
    const QModelIndexList selected = view.selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data().toString(), u"a:8080"_s);
    QVERIFY2(countText().contains(u" on 3 nodes"_s), qPrintable(countText()));

    sendStats(7); // the server restarted without a broker
    QTRY_VERIFY_WITH_TIMEOUT(!nodesShown(), 10000);
    QCOMPARE(view.model()->rowCount(), 0);
    QVERIFY2(!countText().contains(u"node"_s), qPrintable(countText()));
}

void TestNodesPane::hidesWhenConnectionLost()
{
    QVERIFY(goLive());
    sendStats(3, u"a:8080"_s, {{u"a:8080"_s, 3}});
    QTRY_VERIFY_WITH_TIMEOUT(nodesShown(), 10000);
    QCOMPARE(m_window->nodesPane().view().model()->rowCount(), 1);
    QVERIFY2(countText().contains(u"sessions on 1 node \u00b7"_s), qPrintable(countText()));

    m_server->dropClient();
    QTRY_VERIFY_WITH_TIMEOUT(!nodesShown(), 10000);
    QCOMPARE(m_window->nodesPane().view().model()->rowCount(), 0);
}

QTEST_MAIN(TestNodesPane)
#include "tst_nodespane.moc"
