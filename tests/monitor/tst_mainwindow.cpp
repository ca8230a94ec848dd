#include "mainwindow.h"
#include "memorytokenstore.h"
#include "monitor.h"
#include "profilestore.h"
#include "serverfixture.h"
#include "wsclient.h"

#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The composed window against a real server: panes fed, state and counts in
// the status bar, and the state still shown when the server goes away.
class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void composesLivePanes();
};

void TestMainWindow::composesLivePanes()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = "admin-token-for-window-tests";
    auto fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(fixture->start());
    WsClient alice, bob;
    QVERIFY(alice.connectAndWelcome(fixture->wsUrl(u"alice"_s)));
    QVERIFY(bob.connectAndWelcome(fixture->wsUrl(u"bob"_s)));

    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"monitor.ini"_s), QSettings::IniFormat);
    ProfileStore profiles(settings);
    MemoryTokenStore tokens;
    Monitor monitor;
    MainWindow window(monitor, profiles, tokens);
    window.show();
    monitor.connectTo({fixture->apiUrl(), config.adminToken});
    QTRY_COMPARE(window.sessionsPane().shownCount(), 2);
    const QString status = window.statusBar()->findChild<SessionCountLabel *>()->text();
    QVERIFY2(status.startsWith(u"2 sessions"_s), qPrintable(status));
    QVERIFY(window.windowTitle().contains(QString::number(fixture->server().apiPort())));
    QTRY_VERIFY(window.trafficPane().totalText(u"sessions"_s) == u"2"_s);
    QTRY_VERIFY(window.eventLogPane().shownCount() >= 2); // connecting, live

    fixture.reset(); // the server goes away: the window says so
    QTRY_VERIFY(monitor.statusText().startsWith(u"Reconnecting"_s));
    QCOMPARE(window.sessionsPane().shownCount(), 2); // last known state kept until resync
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
