#include "monitor.h"
#include "senddialog.h"
#include "serverfixture.h"
#include "wsclient.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The Send dialog: the payload is checked as it is typed, and a valid send
// reaches a browser session of a real server.
class TestSendDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void payloadValidityDrivesSend_data();
    void payloadValidityDrivesSend();
    void targetsDriveSend();
    void validSendReachesAClient();
    void broadcastReachesEverySession();

private:
    static constexpr const char *AdminToken = "admin-token-for-widget-tests";
    bool connectMonitor();

    std::unique_ptr<ServerFixture> m_fixture;
    std::unique_ptr<Monitor> m_monitor;
    std::unique_ptr<SendDialog> m_dialog;
};

void TestSendDialog::init()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = AdminToken;
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
    m_monitor = std::make_unique<Monitor>();
    m_dialog = std::make_unique<SendDialog>(m_monitor->client());
    m_dialog->show();
}

void TestSendDialog::cleanup()
{
    m_dialog.reset();
    m_monitor.reset();
    m_fixture.reset();
}

bool TestSendDialog::connectMonitor()
{
    m_monitor->connectTo({m_fixture->apiUrl(), AdminToken});
    return QTest::qWaitFor(
        [this] { return m_monitor->client().state() == AdminClient::State::Live; });
}

void TestSendDialog::payloadValidityDrivesSend_data()
{
    QTest::addColumn<QString>("payload");
    QTest::addColumn<bool>("valid");
    QTest::newRow("object") << u"{\"a\": 1}"_s << true;
    QTest::newRow("empty: no data") << QString() << true;
    QTest::newRow("scalar") << u"12"_s << true;
    QTest::newRow("unterminated") << u"{\"a\": 1"_s << false;
    QTest::newRow("trailing comma") << u"{\"a\": 1,}"_s << false;
    QTest::newRow("single quotes") << u"{'a': 1}"_s << false;
}

void TestSendDialog::payloadValidityDrivesSend()
{
    QFETCH(QString, payload);
    QFETCH(bool, valid);
    m_dialog->usersEdit().setText(u"alice"_s);
    QVERIFY(m_dialog->sendButton().isEnabled());
    m_dialog->payloadEdit().clear();
    QTest::keyClicks(&m_dialog->payloadEdit(), payload); // typed, one key at a time
    QCOMPARE(m_dialog->sendButton().isEnabled(), valid);
    QCOMPARE(m_dialog->errorLabel().isVisible(), !valid);
    if (!valid)
        QVERIFY(m_dialog->errorLabel().text().startsWith(u"line 1, column "_s));
}

void TestSendDialog::targetsDriveSend()
{
    m_dialog->usersEdit().clear();
    QVERIFY(!m_dialog->sendButton().isEnabled()); // nobody to send to
    QRadioButton &broadcast = m_dialog->broadcastButton();
    QTest::mouseClick(&broadcast, Qt::LeftButton, {}, QPoint(6, broadcast.height() / 2));
    QVERIFY(m_dialog->broadcastButton().isChecked());
    QVERIFY(m_dialog->sendButton().isEnabled());
    QVERIFY(!m_dialog->usersEdit().isEnabled());
}

void TestSendDialog::validSendReachesAClient()
{
    WsClient browser;
    QVERIFY(browser.connectAndWelcome(m_fixture->wsUrl(u"alice"_s)));
    QVERIFY(connectMonitor());
    QTest::keyClicks(&m_dialog->usersEdit(), u"alice, nobody"_s);
    m_dialog->eventEdit().setText(u"order.shipped"_s);
    m_dialog->payloadEdit().setPlainText(u"{\"order\": 42}"_s);
    QVERIFY(m_dialog->sendButton().isEnabled());
    QTest::mouseClick(&m_dialog->sendButton(), Qt::LeftButton);
    QTRY_COMPARE(browser.framesOfType(ServerFrame::Type::Notification).size(), 1);
    const Notification frame
        = browser.framesOfType(ServerFrame::Type::Notification).first().notification;
    QCOMPARE(frame.event, u"order.shipped"_s);
    QCOMPARE(frame.data.toObject().value(u"order"_s).toInt(), 42);
    QTRY_VERIFY(m_dialog->resultLabel().text().startsWith(u"Reached 1 sessions"_s));
    QVERIFY(m_dialog->sendButton().isEnabled()); // ready for the next one
}

void TestSendDialog::broadcastReachesEverySession()
{
    WsClient one, two;
    QVERIFY(one.connectAndWelcome(m_fixture->wsUrl(u"u1"_s)));
    QVERIFY(two.connectAndWelcome(m_fixture->wsUrl(u"u2"_s)));
    QVERIFY(connectMonitor());
    m_dialog->broadcastButton().setChecked(true);
    QTest::mouseClick(&m_dialog->sendButton(), Qt::LeftButton);
    QTRY_COMPARE(one.framesOfType(ServerFrame::Type::Notification).size(), 1);
    QTRY_COMPARE(two.framesOfType(ServerFrame::Type::Notification).size(), 1);
    QTRY_VERIFY(m_dialog->resultLabel().text().startsWith(u"Reached 2 sessions"_s));
}

QTEST_MAIN(TestSendDialog)
#include "tst_senddialog.moc"
