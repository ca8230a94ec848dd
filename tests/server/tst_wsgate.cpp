#include "rawclient.h"
#include "serverfixture.h"
#include "servertestmain.h"
#include "tokensigner.h"
#include "wsclient.h"

#include "config/originpolicy.h"
#include "serverstats.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The public listener: what a client is told before any WebSocket handshake,
// the handshake and heartbeat timeouts, and the legacy routes.
class TestWsGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void refusedBeforeUpgrade_data();
    void refusedBeforeUpgrade();
    void validTokenUpgrades_data();
    void validTokenUpgrades();
    void slowHandshakeIsDropped();
    void servesTheBrowserClient_data();
    void servesTheBrowserClient();
    void heartbeatReapsSilentClient();
    void heartbeatSlicesReachEverySession();
    void legacyRoutes();
    void allowedOrigins_data();
    void allowedOrigins();
    void originRefusalsAreCounted();

private:
    static QByteArray craft(const QByteArray &header, const QJsonObject &claims,
                            const QByteArray &secret = ServerFixture::defaultConfig().secret);
    std::unique_ptr<ServerFixture> m_fixture;
    std::unique_ptr<ServerFixture> m_origins; // allowed_origins set
};

QByteArray TestWsGate::craft(const QByteArray &header, const QJsonObject &claims,
                             const QByteArray &secret)
{
    return TokenSigner(secret).signRaw(header,
                                       QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

void TestWsGate::initTestCase()
{
    // Default timeouts: the short ones are tested on servers of their own, so
    // that no other test here races a heartbeat or a handshake deadline.
    m_fixture = std::make_unique<ServerFixture>();
    QVERIFY(m_fixture->start());
    ServerConfig config = ServerFixture::defaultConfig();
    QString error;
    const auto origins = OriginPolicy::parse(
        u"https://app.example.com, http://localhost:3000, https://*.example.org"_s, &error);
    QVERIFY2(origins, qPrintable(error));
    config.allowedOrigins = *origins;
    m_origins = std::make_unique<ServerFixture>(config);
    QVERIFY(m_origins->start());
}

void TestWsGate::cleanupTestCase()
{
    m_origins.reset();
    m_fixture.reset();
}

void TestWsGate::refusedBeforeUpgrade_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray hs256 = R"({"alg":"HS256","typ":"JWT"})";
    const QJsonObject valid{{u"sub"_s, u"1"_s}, {u"exp"_s, now + 600}};
    const auto upgrade = [](const QByteArray &target) {
        return "GET " + target
            + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    };
    const auto withToken = [&](const QByteArray &token) { return upgrade("/ws?token=" + token); };

    QTest::newRow("no token") << upgrade("/ws") << 401 << u"token_missing"_s;
    QTest::newRow("empty token") << upgrade("/ws?token=") << 401 << u"token_missing"_s;
    QTest::newRow("garbage") << withToken("not.a.jwt") << 401 << u"token_invalid"_s;
    QTest::newRow("wrong secret") << withToken(
        craft(hs256, valid, "another-secret-0123456789abcdef0123456789"))
                                  << 401 << u"token_signature"_s;
    QTest::newRow("expired") << withToken(craft(hs256, {{u"sub"_s, u"1"_s}, {u"exp"_s, now - 10}}))
                             << 401 << u"token_expired"_s;
    QTest::newRow("not yet valid") << withToken(
        craft(hs256, {{u"sub"_s, u"1"_s}, {u"exp"_s, now + 600}, {u"nbf"_s, now + 300}}))
                                   << 401 << u"token_not_yet_valid"_s;
    QTest::newRow("alg none") << withToken(craft(R"({"alg":"none"})", valid)) << 401
                              << u"token_algorithm"_s;
    QTest::newRow("alg HS512") << withToken(craft(R"({"alg":"HS512"})", valid)) << 401
                               << u"token_algorithm"_s;
    QTest::newRow("no sub") << withToken(craft(hs256, {{u"exp"_s, now + 600}})) << 401
                            << u"token_claims"_s;
    QTest::newRow("no exp") << withToken(craft(hs256, {{u"sub"_s, u"1"_s}})) << 401
                            << u"token_claims"_s;
    QTest::newRow("unknown path") << upgrade("/socket") << 404 << u"not_found"_s;
    QTest::newRow("legacy path off") << upgrade("/client?user_id=1") << 404 << u"not_found"_s;
    QTest::newRow("POST /ws") << "POST /ws HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"_ba
                              << 405 << u"method_not_allowed"_s;
    QTest::newRow("plain GET /ws")
        << "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n"_ba << 426 << u"upgrade_required"_s;
    QTest::newRow("not HTTP") << "HELLO\r\n\r\n"_ba << 400 << u"bad_request"_s;
    QTest::newRow("huge head") << "GET /ws?token=" + QByteArray(20000, 'a') << 431
                               << u"header_too_large"_s;
}

void TestWsGate::refusedBeforeUpgrade()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, code);

    const quint64 sessionsBefore = m_fixture->server().stats().sessionsOpened;
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().wsPort()));
    raw.write(request);
    const QByteArray response = raw.readUntilClosed();
    QCOMPARE(RawClient::statusOf(response), status);
    const QJsonObject error = RawClient::bodyOf(response).value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), code);
    QVERIFY(!error.value(u"message"_s).toString().isEmpty());
    QCOMPARE(m_fixture->server().stats().sessionsOpened.load(), sessionsBefore);
}

void TestWsGate::validTokenUpgrades_data()
{
    QTest::addColumn<bool>("inHeader");
    QTest::newRow("query parameter") << false;
    QTest::newRow("authorization header") << true;
}

void TestWsGate::validTokenUpgrades()
{
    QFETCH(bool, inHeader);
    const QByteArray token = m_fixture->tokenFor(u"header-user"_s);
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().wsPort()));
    if (inHeader)
        raw.sendUpgrade("/ws", "Authorization: Bearer " + token + "\r\n");
    else
        raw.sendUpgrade("/ws?token=" + token);
    QCOMPARE(RawClient::statusOf(raw.readHead()), 101);
    QTRY_COMPARE(m_fixture->server().directory().sessionsOf(u"header-user"_s).size(), 1);
    raw.socket().abort();
    QTRY_COMPARE(m_fixture->server().directory().sessionsOf(u"header-user"_s).size(), 0);
}

void TestWsGate::servesTheBrowserClient_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("source");
    QTest::newRow("classic script")
        << "/herald.js"_ba << QStringLiteral(HERALD_JS_DIR "/herald.js");
    QTest::newRow("module") << "/herald.mjs"_ba << QStringLiteral(HERALD_JS_DIR "/herald.mjs");
}

void TestWsGate::servesTheBrowserClient()
{
    QFETCH(QByteArray, path);
    QFETCH(QString, source);
    QFile file(source);
    QVERIFY(file.open(QIODevice::ReadOnly));
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().wsPort()));
    raw.write("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray response = raw.readUntilClosed();
    QCOMPARE(RawClient::statusOf(response), 200);
    QVERIFY(response.contains("Content-Type: text/javascript"));
    QVERIFY(response.contains("Access-Control-Allow-Origin: *"));
    QCOMPARE(response.mid(response.indexOf("\r\n\r\n") + 4), file.readAll());
}

void TestWsGate::slowHandshakeIsDropped()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.handshakeTimeoutMs = 300;
    ServerFixture fixture(config);
    QVERIFY(fixture.start());
    RawClient raw;
    QVERIFY(raw.connectTo(fixture.server().wsPort()));
    raw.write("GET /ws?token="); // and nothing more
    QVERIFY(raw.waitForDisconnected(15000));
}

// A few clients only, with a heartbeat of a second: the one client that
// answers has ample time to do so even on a busy machine.
void TestWsGate::heartbeatReapsSilentClient()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.heartbeatMs = 1000;
    ServerFixture fixture(config);
    QVERIFY(fixture.start());
    WsClient alive; // QWebSocket answers pings by itself
    QVERIFY(alive.connectAndWelcome(fixture.wsUrl(u"alive"_s)));
    QCOMPARE(alive.framesOfType(ServerFrame::Type::Welcome).first().heartbeatSeconds, 1.0);

    for (int round = 1; round <= 2; ++round) {
        RawClient silent; // completes the handshake, then never answers a ping
        QVERIFY(silent.connectTo(fixture.server().wsPort()));
        silent.sendUpgrade("/ws?token=" + fixture.tokenFor(u"silent"_s));
        QCOMPARE(RawClient::statusOf(silent.readHead()), 101);
        QTRY_COMPARE(fixture.server().directory().sessionsOf(u"silent"_s).size(), 1);
        QVERIFY(silent.waitForDisconnected(15000));
        QCOMPARE(fixture.server().directory().sessionsOf(u"silent"_s).size(), 0);
        QCOMPARE(fixture.server().stats().heartbeatReaps.load(), quint64(round));
    }
    // Several sweeps later, the client that answers is still there.
    QVERIFY(alive.isConnected());
    QCOMPARE(fixture.server().directory().sessionsOf(u"alive"_s).size(), 1);
}

// A heartbeat of 3 s is swept in 3 slices of a second, each taking the sessions that
// hash to it: every silent session is still reaped, whichever slice it fell in, and
// the one that answers stays.
void TestWsGate::heartbeatSlicesReachEverySession()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.heartbeatMs = 3000;
    ServerFixture fixture(config);
    QVERIFY(fixture.start());
    WsClient alive;
    QVERIFY(alive.connectAndWelcome(fixture.wsUrl(u"alive"_s)));
    constexpr int Silent = 12;
    std::vector<std::unique_ptr<RawClient>> silent;
    for (int i = 0; i < Silent; ++i) {
        silent.push_back(std::make_unique<RawClient>());
        QVERIFY(silent.back()->connectTo(fixture.server().wsPort()));
        silent.back()->sendUpgrade("/ws?token="
                                   + fixture.tokenFor(u"silent-"_s + QString::number(i)));
        QCOMPARE(RawClient::statusOf(silent.back()->readHead()), 101);
    }
    QTRY_COMPARE(fixture.server().directory().sessionCount(), Silent + 1);
    for (const auto &client : silent)
        QVERIFY(client->waitForDisconnected(30000));
    QTRY_COMPARE(fixture.server().directory().sessionCount(), 1);
    QCOMPARE(fixture.server().stats().heartbeatReaps.load(), quint64(Silent));
    QVERIFY(alive.isConnected());
    QCOMPARE(fixture.server().directory().sessionsOf(u"alive"_s).size(), 1);
}

void TestWsGate::legacyRoutes()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.legacyRoutes = true;
    ServerFixture legacy(config);
    QVERIFY(legacy.start());
    WsClient client;
    QVERIFY(client.connectAndWelcome(legacy.wsUrlRaw(u"/client?user_id=7"_s)));
    QCOMPARE(client.framesOfType(ServerFrame::Type::Welcome).first().user, u"7"_s);

    // As in the original design: no key, GET or POST, the body becomes data.
    QCOMPARE(legacy.api().send("GET", u"/new/7"_s, {}, {}).status, 202);
    QTRY_COMPARE(client.framesOfType(ServerFrame::Type::Notification).size(), 1);
    QVERIFY(client.framesOfType(ServerFrame::Type::Notification).at(0).notification.data.isNull());
    QCOMPARE(legacy.api().send("POST", u"/new/7"_s, R"({"unread":3})", {}).status, 202);
    QTRY_COMPARE(client.framesOfType(ServerFrame::Type::Notification).size(), 2);
    QCOMPARE(client.framesOfType(ServerFrame::Type::Notification)
                 .at(1)
                 .notification.data.toObject()
                 .value(u"unread"_s)
                 .toInt(),
             3);
    QCOMPARE(legacy.api().send("DELETE", u"/new/7"_s, {}, {}).status, 405);

    RawClient noUser;
    QVERIFY(noUser.connectTo(legacy.server().wsPort()));
    noUser.sendUpgrade("/client");
    QCOMPARE(RawClient::statusOf(noUser.readUntilClosed()), 400);
    // The authenticated route keeps working beside the legacy one.
    WsClient modern;
    QVERIFY(modern.connectAndWelcome(legacy.wsUrl(u"8"_s)));
}

// allowed_origins on a real server: the Origin header of a /ws request, upgrade or not, is
// checked before the token; no Origin header (not a browser) passes; other routes ignore it.
void TestWsGate::allowedOrigins_data()
{
    QTest::addColumn<QByteArray>("origin"); // empty: no Origin header
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("upgrade");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QByteArray ws = "/ws";
    const QString refused = u"origin_not_allowed"_s;
    QTest::newRow("exact") << "https://app.example.com"_ba << ws << true << 101 << QString();
    QTest::newRow("exact, other case")
        << "HTTPS://App.Example.com:443"_ba << ws << true << 101 << QString();
    QTest::newRow("with port") << "http://localhost:3000"_ba << ws << true << 101 << QString();
    QTest::newRow("pattern") << "https://eu.app.example.org"_ba << ws << true << 101 << QString();
    QTest::newRow("no Origin header") << QByteArray() << ws << true << 101 << QString();
    QTest::newRow("other site") << "https://evil.example.net"_ba << ws << true << 403 << refused;
    QTest::newRow("lookalike") << "https://evil-example.org"_ba << ws << true << 403 << refused;
    QTest::newRow("pattern's own domain")
        << "https://example.org"_ba << ws << true << 403 << refused;
    QTest::newRow("other port") << "http://localhost:3001"_ba << ws << true << 403 << refused;
    QTest::newRow("null") << "null"_ba << ws << true << 403 << refused;
    QTest::newRow("plain GET, other site")
        << "https://evil.example.net"_ba << ws << false << 403 << refused;
    QTest::newRow("plain GET, allowed")
        << "https://app.example.com"_ba << ws << false << 426 << u"upgrade_required"_s;
    QTest::newRow("healthz from any origin") << "https://evil.example.net"_ba
                                             << "/healthz"_ba << false << 200 << QString();
}

void TestWsGate::allowedOrigins()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, path);
    QFETCH(bool, upgrade);
    QFETCH(int, status);
    QFETCH(QString, code);

    const QByteArray header = origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n";
    const QString user = u"origin-user"_s;
    RawClient raw;
    QVERIFY(raw.connectTo(m_origins->server().wsPort()));
    if (upgrade)
        raw.sendUpgrade(path + "?token=" + m_origins->tokenFor(user), header);
    else
        raw.write("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + header + "\r\n");
    if (status == 101) {
        QCOMPARE(RawClient::statusOf(raw.readHead()), 101);
        QTRY_COMPARE(m_origins->server().directory().sessionsOf(user).size(), 1);
        raw.socket().abort();
        QTRY_COMPARE(m_origins->server().directory().sessionsOf(user).size(), 0);
        return;
    }
    const QByteArray response = raw.readUntilClosed();
    QCOMPARE(RawClient::statusOf(response), status);
    if (code.isEmpty())
        return;
    const QJsonObject error = RawClient::bodyOf(response).value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), code);
    QVERIFY(!error.value(u"message"_s).toString().isEmpty());
}

// Counted apart from the other refusals, in /api/v1/stats and in /metrics.
void TestWsGate::originRefusalsAreCounted()
{
    const ServerStats &stats = m_origins->server().stats();
    const quint64 refusedBefore = stats.originRefusals;
    const quint64 rejectedBefore = stats.rejectedHandshakes;
    for (int i = 0; i < 2; ++i) {
        RawClient raw;
        QVERIFY(raw.connectTo(m_origins->server().wsPort()));
        raw.sendUpgrade("/ws?token=" + m_origins->tokenFor(u"x"_s),
                        "Origin: https://evil.example.net\r\n");
        QCOMPARE(RawClient::statusOf(raw.readUntilClosed()), 403);
    }
    QCOMPARE(stats.originRefusals.load(), refusedBefore + 2);
    QCOMPARE(stats.rejectedHandshakes.load(), rejectedBefore);

    const QJsonObject json
        = QJsonDocument::fromJson(m_origins->api().get(u"/api/v1/stats"_s).body).object();
    QCOMPARE(json.value(u"origin_refusals"_s).toDouble(), double(refusedBefore + 2));
    const QByteArray metrics = m_origins->api().get(u"/metrics"_s).body;
    QVERIFY2(metrics.contains("\nherald_handshakes_total{result=\"origin_not_allowed\"} "
                              + QByteArray::number(refusedBefore + 2) + '\n'),
             metrics.constData());
}

HERALD_SERVER_TEST_MAIN(TestWsGate)
#include "tst_wsgate.moc"
