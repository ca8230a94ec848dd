#include "monitor.h"
#include "serverfixture.h"
#include "sessionactions.h"
#include "wsclient.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The sessions context menu, triggered against a real server.
class TestSessionActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void menuOffersEveryAction();
    void testNotificationReachesTheUser();
    void disconnectSessionAndUser();
    void copyIds();

private:
    QAction *action(QMenu &menu, const QString &startsWith) const;
    AdminSessionRecord recordOf(const WsClient &client) const;

    static constexpr const char *AdminToken = "admin-token-for-menu-tests";
    std::unique_ptr<ServerFixture> m_fixture;
    std::unique_ptr<Monitor> m_monitor;
    std::unique_ptr<SessionActions> m_actions;
    std::unique_ptr<WsClient> m_alice;
    std::unique_ptr<WsClient> m_aliceToo;
};

void TestSessionActions::init()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = AdminToken;
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
    m_alice = std::make_unique<WsClient>();
    m_aliceToo = std::make_unique<WsClient>();
    QVERIFY(m_alice->connectAndWelcome(m_fixture->wsUrl(u"alice"_s)));
    QVERIFY(m_aliceToo->connectAndWelcome(m_fixture->wsUrl(u"alice"_s)));
    m_monitor = std::make_unique<Monitor>();
    m_actions = std::make_unique<SessionActions>(m_monitor->client());
    m_monitor->connectTo({m_fixture->apiUrl(), AdminToken});
    QTRY_COMPARE(m_monitor->client().state(), AdminClient::State::Live);
}

void TestSessionActions::cleanup()
{
    m_actions.reset();
    m_monitor.reset();
    m_alice.reset();
    m_aliceToo.reset();
    m_fixture.reset();
}

QAction *TestSessionActions::action(QMenu &menu, const QString &startsWith) const
{
    for (QAction *action : menu.actions()) {
        if (action->text().startsWith(startsWith))
            return action;
    }
    return nullptr;
}

AdminSessionRecord TestSessionActions::recordOf(const WsClient &client) const
{
    const int row = m_monitor->sessions().rowOf(client.sessionId());
    return row >= 0 ? m_monitor->sessions().sessionAt(row) : AdminSessionRecord{};
}

void TestSessionActions::menuOffersEveryAction()
{
    const auto menu = m_actions->menuFor({recordOf(*m_alice)}, nullptr);
    QVERIFY(action(*menu, u"Send test notification to alice"_s));
    QVERIFY(action(*menu, u"Disconnect session"_s));
    QVERIFY(action(*menu, u"Disconnect user alice"_s));
    QVERIFY(action(*menu, u"Copy session ids"_s));
    QVERIFY(action(*menu, u"Copy user ids"_s));
    m_monitor->disconnectFromServer();
    const auto offline = m_actions->menuFor({recordOf(*m_alice)}, nullptr);
    QVERIFY(!action(*offline, u"Send test"_s) || !action(*offline, u"Send test"_s)->isEnabled());
}

void TestSessionActions::testNotificationReachesTheUser()
{
    const auto menu = m_actions->menuFor({recordOf(*m_alice)}, nullptr);
    action(*menu, u"Send test notification"_s)->trigger();
    QTRY_COMPARE(m_alice->framesOfType(ServerFrame::Type::Notification).size(), 1);
    QTRY_COMPARE(m_aliceToo->framesOfType(ServerFrame::Type::Notification).size(),
                 1); // every session of alice
    QCOMPARE(m_alice->framesOfType(ServerFrame::Type::Notification).first().notification.event,
             u"herald.test"_s);
}

void TestSessionActions::disconnectSessionAndUser()
{
    const auto menu = m_actions->menuFor({recordOf(*m_alice)}, nullptr);
    action(*menu, u"Disconnect session"_s)->trigger();
    QTRY_VERIFY(m_alice->isClosed());
    QVERIFY(!m_aliceToo->isClosed());
    QTRY_COMPARE(m_monitor->sessions().rowCount(), 1);
    const auto again = m_actions->menuFor({recordOf(*m_aliceToo)}, nullptr);
    action(*again, u"Disconnect user"_s)->trigger();
    QTRY_VERIFY(m_aliceToo->isClosed());
    QTRY_COMPARE(m_monitor->sessions().rowCount(), 0);
}

void TestSessionActions::copyIds()
{
    const auto menu = m_actions->menuFor({recordOf(*m_alice), recordOf(*m_aliceToo)}, nullptr);
    action(*menu, u"Copy session ids"_s)->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(),
             m_alice->sessionId() + u'\n' + m_aliceToo->sessionId());
    action(*menu, u"Copy user ids"_s)->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), u"alice"_s);
}

QTEST_MAIN(TestSessionActions)
#include "tst_sessionactions.moc"
