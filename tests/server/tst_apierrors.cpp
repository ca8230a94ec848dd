#include "rawclient.h"
#include "serverfixture.h"
#include "servertestmain.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

using Headers = QList<QPair<QByteArray, QByteArray>>;
Q_DECLARE_METATYPE(Headers)

// Every way a push-API request can be wrong gets its status and error code,
// and none of them delivers or counts anything.
class TestApiErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void refused_data();
    void refused();
    void refusedRequestsDeliverNothing();
    void oversizedPayloadIsRefused();
    void hugeBodyIsCutOffEarly();
    void idleConnectionsAreClosed();
    void healthOnBothListeners();

private:
    std::unique_ptr<ServerFixture> m_fixture;
    std::unique_ptr<WsClient> m_watcher; // must never receive a notification here
};

void TestApiErrors::initTestCase()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxPayloadBytes = 1024;
    config.maxUsersPerPush = 10;
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
    m_watcher = std::make_unique<WsClient>();
    QVERIFY(m_watcher->connectAndWelcome(m_fixture->wsUrl(u"1"_s)));
}

void TestApiErrors::cleanupTestCase()
{
    m_watcher.reset();
    m_fixture.reset();
}

void TestApiErrors::refused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QByteArray key = "Bearer " + ServerFixture::defaultConfig().apiKey;
    const Headers json{{"Authorization", key}, {"Content-Type", "application/json"}};
    const Headers authOnly{{"Authorization", key}};
    const QByteArray good = R"({"users":["1"],"data":{}})";

    QTest::newRow("no key") << "POST"_ba << u"/api/v1/notify"_s
                            << Headers{{"Content-Type", "application/json"}} << good << 401
                            << u"unauthorized"_s;
    QTest::newRow("wrong key") << "POST"_ba << u"/api/v1/notify"_s
                               << Headers{{"Authorization", "Bearer nope"},
                                          {"Content-Type", "application/json"}}
                               << good << 401 << u"unauthorized"_s;
    QTest::newRow("key not bearer")
        << "POST"_ba << u"/api/v1/notify"_s
        << Headers{{"Authorization", ServerFixture::defaultConfig().apiKey},
                   {"Content-Type", "application/json"}}
        << good << 401 << u"unauthorized"_s;
    QTest::newRow("stats without key")
        << "GET"_ba << u"/api/v1/stats"_s << Headers{} << QByteArray() << 401 << u"unauthorized"_s;
    QTest::newRow("unknown path") << "GET"_ba << u"/api/v1/nothing"_s << authOnly << QByteArray()
                                  << 404 << u"not_found"_s;
    QTest::newRow("legacy route off")
        << "GET"_ba << u"/new/1"_s << Headers{} << QByteArray() << 404 << u"not_found"_s;
    QTest::newRow("GET notify") << "GET"_ba << u"/api/v1/notify"_s << authOnly << QByteArray()
                                << 405 << u"method_not_allowed"_s;
    QTest::newRow("PUT broadcast")
        << "PUT"_ba << u"/api/v1/broadcast"_s << json << good << 405 << u"method_not_allowed"_s;
    QTest::newRow("POST stats") << "POST"_ba << u"/api/v1/stats"_s << json << good << 405
                                << u"method_not_allowed"_s;
    QTest::newRow("POST healthz") << "POST"_ba << u"/healthz"_s << json << good << 405
                                  << u"method_not_allowed"_s;
    QTest::newRow("no content type") << "POST"_ba << u"/api/v1/notify"_s << authOnly << good << 415
                                     << u"unsupported_media_type"_s;
    QTest::newRow("form content type")
        << "POST"_ba << u"/api/v1/notify"_s
        << Headers{{"Authorization", key}, {"Content-Type", "application/x-www-form-urlencoded"}}
        << good << 415 << u"unsupported_media_type"_s;
    QTest::newRow("not json") << "POST"_ba << u"/api/v1/notify"_s << json << "{users:"_ba << 400
                              << u"invalid_json"_s;
    QTest::newRow("empty body") << "POST"_ba << u"/api/v1/notify"_s << json << QByteArray() << 400
                                << u"invalid_json"_s;
    QTest::newRow("no users") << "POST"_ba << u"/api/v1/notify"_s << json << R"({"data":1})"_ba
                              << 400 << u"invalid_field"_s;
    QTest::newRow("too many users")
        << "POST"_ba << u"/api/v1/notify"_s << json
        << R"({"users":["1","2","3","4","5","6","7","8","9","10","11"]})"_ba << 400
        << u"invalid_field"_s;
    QTest::newRow("bad event") << "POST"_ba << u"/api/v1/broadcast"_s << json
                               << R"({"event":"has space"})"_ba << 400 << u"invalid_field"_s;
    QTest::newRow("data too large") << "POST"_ba << u"/api/v1/notify"_s << json
                                    << R"({"users":["1"],"data":")" + QByteArray(1100, 'x') + "\"}"
                                    << 413 << u"payload_too_large"_s;
    QTest::newRow("body too large") << "POST"_ba << u"/api/v1/notify"_s << json
                                    << R"({"users":["1"],"pad":")" + QByteArray(6000, 'x') + "\"}"
                                    << 413 << u"payload_too_large"_s;
    QTest::newRow("bad limit") << "GET"_ba << u"/api/v1/sessions?limit=abc"_s << authOnly
                               << QByteArray() << 400 << u"invalid_field"_s;
    QTest::newRow("unknown session") << "DELETE"_ba << u"/api/v1/sessions/s_nope"_s << authOnly
                                     << QByteArray() << 404 << u"not_found"_s;
}

void TestApiErrors::refused()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(Headers, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);

    const auto reply = m_fixture->api().send(method, path, body, headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.errorCode(), code);
    const QString message
        = reply.json().value(u"error"_s).toObject().value(u"message"_s).toString();
    QVERIFY2(!message.isEmpty(), reply.body.constData());
}

void TestApiErrors::refusedRequestsDeliverNothing()
{
    // Runs after the whole table: a broadcast now must be the first and only
    // notification the watcher ever saw, and no push was counted.
    const auto stats = m_fixture->api().get(u"/api/v1/stats"_s).json();
    QCOMPARE(stats.value(u"notifications"_s).toInt(), 0);
    QCOMPARE(stats.value(u"broadcasts"_s).toInt(), 0);
    QCOMPARE(m_fixture->api().post(u"/api/v1/broadcast"_s, {{u"event"_s, u"marker"_s}}).status,
             202);
    QTRY_COMPARE(m_watcher->framesOfType(ServerFrame::Type::Notification).size(), 1);
    QCOMPARE(m_watcher->framesOfType(ServerFrame::Type::Notification).first().notification.event,
             u"marker"_s);
}

void TestApiErrors::oversizedPayloadIsRefused()
{
    // Exactly at the limit passes; one byte over is refused.
    const QString fits(1022, u'x'); // 1022 characters + 2 quotes = 1024 bytes of JSON
    QCOMPARE(
        m_fixture->api()
            .post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"nobody"_s}}, {u"data"_s, fits}})
            .status,
        202);
    const auto over = m_fixture->api().post(
        u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"nobody"_s}}, {u"data"_s, fits + u'x'}});
    QCOMPARE(over.status, 413);
    QCOMPARE(over.errorCode(), u"payload_too_large"_s);
}

void TestApiErrors::hugeBodyIsCutOffEarly()
{
    // 8 MiB announced: refused before QHttpServer buffers it all.
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    const QByteArray body(8 * 1024 * 1024, 'x');
    raw.write("POST /api/v1/notify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + ServerFixture::defaultConfig().apiKey
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    const QByteArray response = raw.readUntilClosed();
    QCOMPARE(RawClient::statusOf(response), 413);
    QCOMPARE(RawClient::bodyOf(response).value(u"error"_s).toObject().value(u"code"_s).toString(),
             u"payload_too_large"_s);
}

// On a server of its own: a short idle timeout could cut off a slow answer
// in the other tests.
void TestApiErrors::idleConnectionsAreClosed()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.apiIdleTimeoutMs = 300;
    config.apiHeadTimeoutMs = 300;
    ServerFixture fixture(config);
    QVERIFY(fixture.start());
    RawClient silent; // connects and never sends anything
    QVERIFY(silent.connectTo(fixture.server().apiPort()));
    QVERIFY(silent.waitForDisconnected(15000));

    RawClient raw;
    QVERIFY(raw.connectTo(fixture.server().apiPort()));
    raw.write("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // never finishes the request
    const QByteArray response = raw.readUntilClosed(15000);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(RawClient::statusOf(response), 408);
}

void TestApiErrors::healthOnBothListeners()
{
    for (quint16 port : {m_fixture->server().apiPort(), m_fixture->server().wsPort()}) {
        RawClient raw;
        QVERIFY(raw.connectTo(port));
        raw.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        const QByteArray response = raw.readResponse();
        QCOMPARE(RawClient::statusOf(response), 200);
        QCOMPARE(RawClient::bodyOf(response).value(u"status"_s).toString(), u"ok"_s);
    }
}

HERALD_SERVER_TEST_MAIN(TestApiErrors)
#include "tst_apierrors.moc"
