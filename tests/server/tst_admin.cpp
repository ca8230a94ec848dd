#include "admin/adminkeys.h"
#include "adminwsclient.h"
#include "rawclient.h"
#include "serverfixture.h"
#include "servertestmain.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {
const QByteArray AdminToken = "admin-token-0123456789abcdef";
}

// The admin channel on the push API listener (docs/admin-protocol.md).
class TestAdmin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void refusedBeforeUpgrade_data();
    void refusedBeforeUpgrade();
    void offWithoutAToken();
    void helloThenSnapshotInBatches();
    void liveEvents();
    void statsEverySecond();
    void sessionCounters();
    void commands();
    void commandErrors_data();
    void commandErrors();

private:
    bool startServer(int heartbeatMs);
    std::unique_ptr<AdminWsClient> admin();
    static QJsonObject command(AdminWsClient &client, const QJsonObject &command);
    static QList<QJsonObject> events(const AdminWsClient &client, const QString &type);

    std::unique_ptr<ServerFixture> m_fixture;
};

void TestAdmin::init()
{
    // The 1,003 browsers of helloThenSnapshotInBatches live in this thread: with
    // a heartbeat shorter than it takes to open them all, the server would reap
    // those that could not answer a ping yet. Only sessionCounters needs pings.
    QVERIFY(startServer(30000));
}

bool TestAdmin::startServer(int heartbeatMs)
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = AdminToken;
    config.adminCountersMs = 100;
    config.heartbeatMs = heartbeatMs;
    config.handshakeTimeoutMs = 60000; // as long as a busy machine needs for 1,003 upgrades
    m_fixture.reset();
    m_fixture = std::make_unique<ServerFixture>(config);
    return m_fixture->start();
}

void TestAdmin::cleanup()
{
    m_fixture.reset();
}

std::unique_ptr<AdminWsClient> TestAdmin::admin()
{
    QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/admin"_s.arg(m_fixture->server().apiPort())));
    request.setRawHeader("Authorization", "Bearer " + AdminToken);
    auto client = std::make_unique<AdminWsClient>();
    client->open(request);
    if (!QTest::qWaitFor([&] { return !client->framesOfType(AdminType::Hello).isEmpty(); }, 15000))
        return nullptr;
    return client;
}

// Sends a command and waits for its result.
QJsonObject TestAdmin::command(AdminWsClient &client, const QJsonObject &command)
{
    static int nextId = 0;
    QJsonObject frame = command;
    frame.insert(u"type"_s, u"command"_s);
    frame.insert(u"id"_s, ++nextId);
    client.send(frame);
    QJsonObject result;
    [[maybe_unused]] const bool answered = QTest::qWaitFor(
        [&] {
            for (const QJsonObject &r : client.framesOfType(AdminType::Result)) {
                if (r.value(u"id"_s).toInt() == nextId)
                    result = r;
            }
            return !result.isEmpty();
        },
        15000);
    return result;
}

QList<QJsonObject> TestAdmin::events(const AdminWsClient &client, const QString &type)
{
    QList<QJsonObject> found;
    for (const QJsonObject &frame : client.framesOfType(AdminType::Events)) {
        for (const QJsonValue &event : frame.value(u"events"_s).toArray()) {
            if (event.toObject().value(u"type"_s).toString() == type)
                found.append(event.toObject());
        }
    }
    return found;
}

void TestAdmin::refusedBeforeUpgrade_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray upgrade
        = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    QTest::newRow("no token") << "GET /admin HTTP/1.1\r\nHost: x\r\n" + upgrade + "\r\n"
                              << 401 << u"unauthorized"_s;
    QTest::newRow("wrong token") << "GET /admin?token=nope HTTP/1.1\r\nHost: x\r\n" + upgrade
            + "\r\n" << 401 << u"unauthorized"_s;
    QTest::newRow("push API key is not the admin token")
        << "GET /admin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + ServerFixture::defaultConfig().apiKey + "\r\n" + upgrade + "\r\n"
        << 401 << u"unauthorized"_s;
    QTest::newRow("plain GET") << "GET /admin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + AdminToken
            + "\r\n\r\n" << 426 << u"upgrade_required"_s;
    QTest::newRow("token in the query")
        << "GET /admin?token=" + AdminToken + " HTTP/1.1\r\nHost: x\r\n" + upgrade + "\r\n"
        << 401 << u"unauthorized"_s;
}

void TestAdmin::refusedBeforeUpgrade()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, code);
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    raw.write(request);
    const QByteArray head = raw.readHead();
    QCOMPARE(RawClient::statusOf(head), status);
    QVERIFY(!head.contains("101"));
}

void TestAdmin::offWithoutAToken()
{
    ServerFixture plain; // no admin token configured
    QVERIFY(plain.start());
    RawClient raw;
    QVERIFY(raw.connectTo(plain.server().apiPort()));
    raw.sendUpgrade("/admin?token=" + AdminToken);
    QCOMPARE(RawClient::statusOf(raw.readHead()), 404);
}

void TestAdmin::helloThenSnapshotInBatches()
{
    // 1003 browsers in this thread open at once: more handshakes from one
    // address than the default allows, and too busy for 100 ms heartbeats.
    ServerConfig config = m_fixture->config();
    config.heartbeatMs = 30000;
    config.maxHandshakesPerAddress = 2000;
    config.dataDir = ServerConfig().dataDir; // a fresh temporary folder
    m_fixture.reset();
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
    // More sessions than one snapshot frame holds.
    std::vector<std::unique_ptr<WsClient>> browsers;
    for (int i = 0; i < 1003; ++i) {
        browsers.push_back(std::make_unique<WsClient>());
        browsers.back()->open(m_fixture->wsUrl(u"u%1"_s.arg(i % 50)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->server().directory().sessionCount(), 1003, 120000);
    auto client = admin();
    QVERIFY(client);
    const QJsonObject hello = client->framesOfType(AdminType::Hello).first();
    QCOMPARE(hello.value(u"server"_s).toString(), u"herald-server"_s);
    QVERIFY(!hello.value(u"epoch"_s).toString().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(client->framesOfType(AdminType::Snapshot).size(), 2, 30000);
    const QList<QJsonObject> batches = client->framesOfType(AdminType::Snapshot);
    QCOMPARE(batches[0].value(u"sessions"_s).toArray().size(), 1000);
    QCOMPARE(batches[0].value(u"done"_s).toBool(), false);
    QCOMPARE(batches[1].value(u"sessions"_s).toArray().size(), 3);
    QCOMPARE(batches[1].value(u"done"_s).toBool(), true);
    QCOMPARE(batches[1].value(u"total"_s).toInt(), 1003);
    QSet<QString> ids;
    for (const QJsonObject &batch : batches) {
        for (const QJsonValue &session : batch.value(u"sessions"_s).toArray())
            ids.insert(session.toObject().value(u"id"_s).toString());
    }
    QCOMPARE(ids.size(), 1003);
}

void TestAdmin::liveEvents()
{
    auto client = admin();
    QVERIFY(client);
    QTRY_COMPARE(client->framesOfType(AdminType::Snapshot).size(), 1);
    QVERIFY(
        client->framesOfType(AdminType::Snapshot).first().value(u"sessions"_s).toArray().isEmpty());

    auto browser = std::make_unique<WsClient>();
    QVERIFY(browser->connectAndWelcome(m_fixture->wsUrl(u"42"_s)));
    QTRY_COMPARE(events(*client, u"session_opened"_s).size(), 1);
    const QJsonObject opened = events(*client, u"session_opened"_s).first();
    QCOMPARE(opened.value(u"session"_s).toObject().value(u"user"_s).toString(), u"42"_s);
    QCOMPARE(opened.value(u"session"_s).toObject().value(u"id"_s).toString(), browser->sessionId());

    QCOMPARE(m_fixture->api()
                 .post(u"/api/v1/notify"_s,
                       {{u"users"_s, QJsonArray{u"42"_s}},
                        {u"event"_s, u"message.created"_s},
                        {u"data"_s, u"hi"_s}})
                 .status,
             202);
    QTRY_COMPARE(events(*client, u"notification"_s).size(), 1);
    const QJsonObject pushed = events(*client, u"notification"_s).first();
    QCOMPARE(pushed.value(u"event"_s).toString(), u"message.created"_s);
    QCOMPARE(pushed.value(u"users"_s).toArray(), QJsonArray{u"42"_s});
    QCOMPARE(pushed.value(u"sessions"_s).toInt(), 1);
    QCOMPARE(pushed.value(u"payload_bytes"_s).toInt(), 4);

    browser->socket().close();
    QTRY_COMPARE(events(*client, u"session_closed"_s).size(), 1);
    const QJsonObject closed = events(*client, u"session_closed"_s).first();
    QCOMPARE(closed.value(u"session"_s).toObject().value(u"id"_s).toString(), browser->sessionId());
    QCOMPARE(closed.value(u"code"_s).toInt(), 1000);
}

void TestAdmin::statsEverySecond()
{
    auto client = admin();
    QVERIFY(client);
    QTRY_VERIFY_WITH_TIMEOUT(!client->framesOfType(AdminType::Stats).isEmpty(), 15000);
    const QJsonObject stats = client->framesOfType(AdminType::Stats).first();
    for (const QString &field :
         {u"sessions"_s, u"users"_s, u"pushes_per_s"_s, u"frames_per_s"_s, u"bytes_per_s"_s,
          u"heartbeat_reaps"_s, u"rss_bytes"_s, u"uptime_s"_s}) {
        QVERIFY2(stats.value(field).isDouble(), qPrintable(field));
    }
    QVERIFY(stats.value(u"rss_bytes"_s).toDouble() > 0);
}

void TestAdmin::sessionCounters()
{
    QVERIFY(startServer(1000)); // one browser, pinged every second
    auto browser = std::make_unique<WsClient>();
    QVERIFY(browser->connectAndWelcome(m_fixture->wsUrl(u"c"_s)));
    QCOMPARE(m_fixture->api().post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"c"_s}}}).status,
             202);
    QTRY_COMPARE(browser->seqs().size(), 1);
    auto client = admin();
    QVERIFY(client);
    QTRY_COMPARE(client->framesOfType(AdminType::Snapshot).size(), 1);
    const QJsonObject session = client->framesOfType(AdminType::Snapshot)
                                    .first()
                                    .value(u"sessions"_s)
                                    .toArray()
                                    .first()
                                    .toObject();
    QCOMPARE(session.value(u"frames_sent"_s).toInt(), 2); // welcome + notification
    QVERIFY(session.contains(u"last_pong_at"_s));
    // After the first ping, the counters frame (every 100 ms) reports a pong.
    const auto ponged = [&] {
        for (const QJsonObject &frame : client->framesOfType(AdminType::SessionCounters)) {
            for (const QJsonValue &entry : frame.value(u"sessions"_s).toArray()) {
                if (entry.toObject().value(u"id"_s).toString() == browser->sessionId()
                    && entry.toObject().value(u"last_pong_at"_s).isString())
                    return true;
            }
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ponged(), 15000);
}

void TestAdmin::commands()
{
    auto client = admin();
    auto browser = std::make_unique<WsClient>();
    auto other = std::make_unique<WsClient>();
    QVERIFY(client && browser->connectAndWelcome(m_fixture->wsUrl(u"7"_s))
            && other->connectAndWelcome(m_fixture->wsUrl(u"7"_s)));

    const QJsonObject sent = command(*client,
                                     {{u"command"_s, u"notify"_s},
                                      {u"users"_s, QJsonArray{u"7"_s}},
                                      {u"event"_s, u"test"_s},
                                      {u"data"_s, QJsonObject{{u"from"_s, u"monitor"_s}}}});
    QVERIFY(sent.value(u"ok"_s).toBool());
    QCOMPARE(sent.value(u"result"_s).toObject().value(u"sessions"_s).toInt(), 2);
    QTRY_COMPARE(browser->seqs(), QList<qint64>({1}));
    QCOMPARE(browser->framesOfType(ServerFrame::Type::Notification).first().notification.event,
             u"test"_s);

    const QJsonObject history
        = command(*client, {{u"command"_s, u"history"_s}, {u"user"_s, u"7"_s}});
    QVERIFY(history.value(u"ok"_s).toBool());
    QCOMPARE(history.value(u"result"_s).toObject().value(u"unread"_s).toInt(), 1);
    QCOMPARE(history.value(u"result"_s).toObject().value(u"notifications"_s).toArray().size(), 1);

    const QJsonObject one = command(
        *client, {{u"command"_s, u"disconnect_session"_s}, {u"session"_s, browser->sessionId()}});
    QVERIFY(one.value(u"ok"_s).toBool());
    QTRY_VERIFY(browser->isClosed());
    QCOMPARE(browser->closeCode(), 4003);
    QVERIFY(other->isConnected());
    const QJsonObject all
        = command(*client, {{u"command"_s, u"disconnect_user"_s}, {u"user"_s, u"7"_s}});
    QCOMPARE(all.value(u"result"_s).toObject().value(u"disconnected"_s).toInt(), 1);
    QTRY_VERIFY(other->isClosed());

    const QJsonObject resync = command(*client, {{u"command"_s, u"resync"_s}});
    QVERIFY(resync.value(u"ok"_s).toBool());
    QTRY_COMPARE(client->framesOfType(AdminType::Snapshot).size(), 2);
}

void TestAdmin::commandErrors_data()
{
    QTest::addColumn<QJsonObject>("command");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown") << QJsonObject{{u"command"_s, u"reboot"_s}} << u"unknown_command"_s;
    QTest::newRow("notify without users")
        << QJsonObject{{u"command"_s, u"notify"_s}} << u"invalid_field"_s;
    QTest::newRow("notify bad event") << QJsonObject{{u"command"_s, u"notify"_s},
                                                     {u"users"_s, QJsonArray{u"1"_s}},
                                                     {u"event"_s, u"a b"_s}}
                                      << u"invalid_field"_s;
    QTest::newRow("unknown session")
        << QJsonObject{{u"command"_s, u"disconnect_session"_s}, {u"session"_s, u"s_x"_s}}
        << u"not_found"_s;
    QTest::newRow("history without user")
        << QJsonObject{{u"command"_s, u"history"_s}} << u"invalid_field"_s;
    QTest::newRow("history bad limit")
        << QJsonObject{{u"command"_s, u"history"_s}, {u"user"_s, u"1"_s}, {u"limit"_s, 0}}
        << u"invalid_field"_s;
}

void TestAdmin::commandErrors()
{
    QFETCH(QJsonObject, command);
    QFETCH(QString, code);
    auto client = admin();
    QVERIFY(client);
    const QJsonObject result = TestAdmin::command(*client, command);
    QCOMPARE(result.value(u"ok"_s).toBool(), false);
    QCOMPARE(result.value(u"error"_s).toObject().value(u"code"_s).toString(), code);
    QVERIFY(!result.value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
    QCOMPARE(m_fixture->server().stats().notifications.load(), 0u);
    client->socket().sendTextMessage(u"not json"_s);
    QTRY_COMPARE(client->framesOfType(AdminType::Error).size(), 1);
}

HERALD_SERVER_TEST_MAIN(TestAdmin)
#include "tst_admin.moc"
