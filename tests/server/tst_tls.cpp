#include "config/configloader.h"
#include "config/tlscredentials.h"
#include "config/trustedproxies.h"
#include "rawclient.h"
#include "servertestmain.h"
#include "testcertificate.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {
constexpr int AnswerMs = 15000; // generous: a busy machine
}

// TLS on both listeners (--tls-cert/--tls-key, --api-tls-cert/--api-tls-key),
// with a certificate made for the test: wss:// sessions get pushes sent over
// https:// and resume; plain HTTP on a TLS port gets 400 tls_required; broken
// and stalled handshakes are closed, counted, and held against the handshake
// limits; a session that stops reading is cut by its budget, which counts the
// ciphertext waiting too. tst_upgrades_tls runs every route as an upgrade over TLS.
class TestTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void wssSessionGetsPushesAndResumes();
    void plainHttpOnTlsPortIsRefused_data();
    void plainHttpOnTlsPortIsRefused();
    void brokenHandshakeIsClosedAndCounted_data();
    void brokenHandshakeIsClosedAndCounted();
    void stalledHandshakeTimesOut();
    void handshakesInProgressCountAgainstTheAddressLimit();
    void sessionThatStopsReadingIsCutByItsBudget();
    void behindProxyTheClientAddressIsKept_data();
    void behindProxyTheClientAddressIsKept();
    void reloadedCertificateServesNewHandshakes();
    void badCertificateOptionsStopTheStart_data();
    void badCertificateOptionsStopTheStart();

private:
    ServerConfig tlsConfig() const;
    std::unique_ptr<ServerFixture> start(const ServerConfig &config) const;
    static double metric(ServerFixture &fixture, const QString &series);
    std::unique_ptr<WsClient> connectAs(ServerFixture &fixture, const QString &pathAndQuery) const;

    std::unique_ptr<TestCertificate> m_certificate;
};

void TestTls::initTestCase()
{
    m_certificate = std::make_unique<TestCertificate>();
    QVERIFY2(m_certificate->isValid(), qPrintable(m_certificate->errorString()));
}

ServerConfig TestTls::tlsConfig() const
{
    ServerConfig config = ServerFixture::defaultConfig();
    QString error;
    config.tls
        = TlsCredentials::load(m_certificate->certificateFile(), m_certificate->keyFile(), &error);
    if (!config.tls)
        qWarning() << error;
    config.apiTls = config.tls;
    return config;
}

std::unique_ptr<ServerFixture> TestTls::start(const ServerConfig &config) const
{
    auto fixture = std::make_unique<ServerFixture>(config);
    if (!config.tls || !fixture->start())
        return nullptr;
    fixture->api().setSslConfiguration(m_certificate->clientConfiguration());
    return fixture;
}

// One sample of the exposition, e.g. herald_tls_handshake_failures_total; -1 if absent.
double TestTls::metric(ServerFixture &fixture, const QString &series)
{
    const ApiClient::Reply reply = fixture.api().get(u"/metrics"_s);
    for (const QByteArray &line : reply.body.split('\n')) {
        const QString text = QString::fromUtf8(line);
        if (text.startsWith(series + u' '))
            return text.sliced(series.size() + 1).toDouble();
    }
    return -1;
}

std::unique_ptr<WsClient> TestTls::connectAs(ServerFixture &fixture,
                                             const QString &pathAndQuery) const
{
    auto client = std::make_unique<WsClient>();
    client->socket().setSslConfiguration(m_certificate->clientConfiguration());
    if (!client->connectAndWelcome(fixture.wsUrlRaw(pathAndQuery)))
        return nullptr;
    return client;
}

void TestTls::wssSessionGetsPushesAndResumes()
{
    const auto fixture = start(tlsConfig());
    QVERIFY(fixture);
    QCOMPARE(fixture->wsUrl(u"alice"_s).scheme(), u"wss"_s);
    const QString token = QString::fromLatin1(fixture->tokenFor(u"alice"_s));
    const auto live = connectAs(*fixture, u"/ws?token="_s + token);
    QVERIFY(live);
    const QString epoch = live->welcome().position.epoch;
    for (int i = 1; i <= 3; ++i) {
        const ApiClient::Reply reply = fixture->api().post(
            u"/api/v1/notify"_s,
            {{u"users"_s, QJsonArray{u"alice"_s}},
             {u"event"_s, u"tls.test"_s},
             {u"data"_s, QJsonObject{{u"n"_s, i}, {u"text"_s, QString(20000, u'x')}}}});
        QCOMPARE(reply.status, 202);
    }
    QTRY_COMPARE_WITH_TIMEOUT(live->seqs(), (QList<qint64>{1, 2, 3}), AnswerMs);
    QCOMPARE(live->framesOfType(ServerFrame::Type::Notification)
                 .last()
                 .notification.data.toObject()
                 .value(u"n"_s),
             QJsonValue(3));

    // A tab that saw seq 1 resumes over TLS: 2 and 3 are replayed, once each.
    const auto resumed = connectAs(*fixture, u"/ws?token=%1&since=1&epoch=%2"_s.arg(token, epoch));
    QVERIFY(resumed);
    QTRY_COMPARE_WITH_TIMEOUT(resumed->seqs(), (QList<qint64>{2, 3}), AnswerMs);
    QTRY_COMPARE_WITH_TIMEOUT(resumed->framesOfType(ServerFrame::Type::Resumed).size(), 1,
                              AnswerMs);

    const ApiClient::Reply sessions = fixture->api().get(u"/api/v1/users/alice/sessions"_s);
    QCOMPARE(sessions.status, 200);
    QCOMPARE(sessions.json().value(u"sessions"_s).toArray().size(), 2);
    QCOMPARE(metric(*fixture, u"herald_tls_handshake_failures_total"_s), 0.0);
}

void TestTls::plainHttpOnTlsPortIsRefused_data()
{
    QTest::addColumn<bool>("api");
    QTest::addColumn<QByteArray>("request");
    const QByteArray upgrade
        = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    QTest::newRow("public listener, GET /healthz")
        << false << QByteArray("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QTest::newRow("public listener, WebSocket upgrade") << false << upgrade;
    QTest::newRow("push API, POST /api/v1/notify")
        << true
        << "POST /api/v1/notify HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + ServerFixture::defaultConfig().apiKey
            + "\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n"
              R"({"users":["alice"]})";
    QTest::newRow("push API, /admin upgrade")
        << true << QByteArray(upgrade).replace("/ws", "/admin");
}

// Answered in plain HTTP, so that whoever configured http:// sees why; nothing happens.
void TestTls::plainHttpOnTlsPortIsRefused()
{
    QFETCH(bool, api);
    QFETCH(QByteArray, request);
    const auto fixture = start(tlsConfig());
    QVERIFY(fixture);
    RawClient raw;
    QVERIFY(raw.connectTo(api ? fixture->server().apiPort() : fixture->server().wsPort()));
    raw.write(request);
    const QByteArray answer = raw.readUntilClosed(AnswerMs);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(RawClient::statusOf(answer), 400);
    QCOMPARE(RawClient::bodyOf(answer).value(u"error"_s).toObject().value(u"code"_s),
             QJsonValue(u"tls_required"_s));
    const ApiClient::Reply unread = fixture->api().get(u"/api/v1/users/alice/unread"_s);
    QCOMPARE(unread.status, 200);
    QCOMPARE(unread.json().value(u"seq"_s).toInt(), 0);
}

void TestTls::brokenHandshakeIsClosedAndCounted_data()
{
    QTest::addColumn<bool>("api");
    QTest::newRow("public listener") << false;
    QTest::newRow("push API") << true;
}

// A handshake record that is no ClientHello.
void TestTls::brokenHandshakeIsClosedAndCounted()
{
    QFETCH(bool, api);
    const auto fixture = start(tlsConfig());
    QVERIFY(fixture);
    const QString failures = u"herald_tls_handshake_failures_total"_s;
    QCOMPARE(metric(*fixture, failures), 0.0);
    RawClient raw;
    QVERIFY(raw.connectTo(api ? fixture->server().apiPort() : fixture->server().wsPort()));
    raw.write(QByteArray("\x16\x03\x01\x00\x08", 5) + "not-a-hello-at-all");
    QVERIFY(raw.waitForDisconnected(AnswerMs));
    QVERIFY(!raw.readUntilClosed(0).contains("HTTP/1.1"));
    QTRY_COMPARE_WITH_TIMEOUT(metric(*fixture, failures), 1.0, AnswerMs);
    // The listener still serves.
    QVERIFY(
        connectAs(*fixture, u"/ws?token="_s + QString::fromLatin1(fixture->tokenFor(u"bob"_s))));
}

void TestTls::stalledHandshakeTimesOut()
{
    ServerConfig config = tlsConfig();
    config.handshakeTimeoutMs = 1000;
    const auto fixture = start(config);
    QVERIFY(fixture);
    RawClient raw;
    QVERIFY(raw.connectTo(fixture->server().wsPort()));
    raw.write("\x16"); // a TLS record begins, and nothing more comes
    QVERIFY(raw.waitForDisconnected(AnswerMs));
    QTRY_COMPARE_WITH_TIMEOUT(metric(*fixture, u"herald_tls_handshake_failures_total"_s), 1.0,
                              AnswerMs);
}

// Connections in a TLS intake still count as handshakes from their address
// until it is done with them; then the address may connect again.
void TestTls::handshakesInProgressCountAgainstTheAddressLimit()
{
    ServerConfig config = tlsConfig();
    config.maxHandshakesPerAddress = 2;
    const auto fixture = start(config);
    QVERIFY(fixture);
    const QString limited = uR"(herald_limit_refusals_total{limit="max_handshakes"})"_s;
    std::vector<std::unique_ptr<RawClient>> stalled;
    for (int i = 0; i < 2; ++i) {
        stalled.push_back(std::make_unique<RawClient>());
        QVERIFY(stalled.back()->connectTo(fixture->server().wsPort()));
        stalled.back()->write("\x16");
    }
    RawClient third;
    QVERIFY(third.connectTo(fixture->server().wsPort()));
    QVERIFY(third.waitForDisconnected(AnswerMs));
    QCOMPARE(metric(*fixture, limited), 1.0);
    for (const auto &client : stalled)
        QCOMPARE(client->socket().state(), QAbstractSocket::ConnectedState);

    for (const auto &client : stalled)
        client->socket().abort();
    const QString path = u"/ws?token="_s + QString::fromLatin1(fixture->tokenFor(u"carol"_s));
    std::unique_ptr<WsClient> next;
    QVERIFY(QTest::qWaitFor(
        [&] {
            next = connectAs(*fixture, path);
            return next != nullptr;
        },
        AnswerMs));
}

void TestTls::sessionThatStopsReadingIsCutByItsBudget()
{
    ServerConfig config = tlsConfig();
    config.maxSessionBufferBytes = 64 * 1024;
    const auto fixture = start(config);
    QVERIFY(fixture);
    RawClient raw;
    QVERIFY(raw.connectEncrypted(fixture->server().wsPort(), m_certificate->clientConfiguration()));
    raw.sendUpgrade("/ws?token=" + fixture->tokenFor(u"dave"_s));
    QCOMPARE(RawClient::statusOf(raw.readHead(AnswerMs)), 101);
    raw.socket().setReadBufferSize(4096); // takes a little, then leaves the rest in the kernel

    const QString cut = uR"(herald_slow_consumer_closes_total{client="browser"})"_s;
    const QJsonObject push{{u"users"_s, QJsonArray{u"dave"_s}},
                           {u"event"_s, u"bulk"_s},
                           {u"data"_s, QString(60000, u'y')}};
    int pushes = 0;
    while (metric(*fixture, cut) < 1 && pushes < 500) {
        for (int i = 0; i < 10; ++i, ++pushes)
            QCOMPARE(fixture->api().post(u"/api/v1/notify"_s, push).status, 202);
    }
    QCOMPARE(metric(*fixture, cut), 1.0);
    qInfo() << "cut after" << pushes << "pushes of 60 kB";
    QTRY_COMPARE_WITH_TIMEOUT(fixture->server().directory().sessionCount(), 0, AnswerMs);
}

void TestTls::behindProxyTheClientAddressIsKept_data()
{
    QTest::addColumn<bool>("proxyProtocol");
    QTest::addColumn<QByteArray>("before"); // sent before the TLS handshake
    QTest::addColumn<QByteArray>("headers"); // in the upgrade request, inside TLS
    QTest::addColumn<QString>("address");
    QTest::newRow("PROXY v1, then TLS")
        << true << QByteArray("PROXY TCP4 203.0.113.7 10.0.0.1 51000 8080\r\n") << QByteArray()
        << u"203.0.113.7"_s;
    QTest::newRow("PROXY v2, then TLS")
        << true
        << QByteArray("\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xc6\x33\x64\x05\x0a\x00\x00\x01"
                      "\xc7\x38\x1f\x90",
                      28)
        << QByteArray() << u"198.51.100.5"_s;
    QTest::newRow("X-Forwarded-For inside TLS")
        << false << QByteArray() << QByteArray("X-Forwarded-For: 192.0.2.44\r\n")
        << u"192.0.2.44"_s;
}

// A trusted proxy in front of the TLS listener: the PROXY header before the
// handshake, or X-Forwarded-For inside it, names the client the session shows.
void TestTls::behindProxyTheClientAddressIsKept()
{
    QFETCH(bool, proxyProtocol);
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, headers);
    QFETCH(QString, address);
    ServerConfig config = tlsConfig();
    QString error;
    config.trustedProxies = *TrustedProxies::parse(u"127.0.0.1"_s, &error);
    config.proxyProtocol = proxyProtocol;
    const auto fixture = start(config);
    QVERIFY(fixture);
    RawClient raw;
    QVERIFY(raw.connectTo(fixture->server().wsPort()));
    if (!before.isEmpty())
        raw.write(before);
    QVERIFY(raw.startEncryption(m_certificate->clientConfiguration()));
    raw.sendUpgrade("/ws?token=" + fixture->tokenFor(u"frank"_s), headers);
    QCOMPARE(RawClient::statusOf(raw.readHead(AnswerMs)), 101);
    QJsonArray sessions;
    QTRY_VERIFY_WITH_TIMEOUT((sessions = fixture->api()
                                             .get(u"/api/v1/users/frank/sessions"_s)
                                             .json()
                                             .value(u"sessions"_s)
                                             .toArray())
                                     .size()
                                 == 1,
                             AnswerMs);
    QCOMPARE(sessions.first().toObject().value(u"remote_address"_s).toString(), address);
}

// Certificate rotation by reload: a session opened before stays; new
// handshakes present the new certificate; turning TLS off needs a restart.
void TestTls::reloadedCertificateServesNewHandshakes()
{
    const auto fixture = start(tlsConfig());
    QVERIFY(fixture);
    ServerConfig config = fixture->config();
    const QString path = u"/ws?token="_s + QString::fromLatin1(fixture->tokenFor(u"erin"_s));
    const auto before = connectAs(*fixture, path);
    QVERIFY(before);

    TestCertificate next;
    QVERIFY2(next.isValid(), qPrintable(next.errorString()));
    QString error;
    config.tlsCertFile = next.certificateFile();
    config.tlsKeyFile = next.keyFile();
    config.tls = TlsCredentials::load(next.certificateFile(), next.keyFile(), &error);
    QVERIFY2(config.tls, qPrintable(error));
    const ReloadReport report = fixture->server().reload(config);
    QVERIFY(report.ok);
    QVERIFY2(report.applied.contains(u"tls_cert"_s), qPrintable(report.applied.join(u' ')));
    QVERIFY2(report.needsRestart.isEmpty(), qPrintable(report.needsRestart.join(u' ')));

    WsClient trustsNext;
    trustsNext.socket().setSslConfiguration(next.clientConfiguration());
    QVERIFY(trustsNext.connectAndWelcome(fixture->wsUrlRaw(path)));
    WsClient trustsOld;
    trustsOld.socket().setSslConfiguration(m_certificate->clientConfiguration());
    trustsOld.open(fixture->wsUrlRaw(path));
    QTRY_VERIFY_WITH_TIMEOUT(trustsOld.isClosed(), AnswerMs);
    QVERIFY(trustsOld.framesOfType(ServerFrame::Type::Welcome).isEmpty());
    QVERIFY(before->isConnected());

    ServerConfig plain = config;
    plain.tls.reset();
    plain.tlsCertFile.clear();
    plain.tlsKeyFile.clear();
    const ReloadReport off = fixture->server().reload(plain);
    QVERIFY(off.ok);
    QVERIFY(off.needsRestart.contains(u"tls_cert"_s));
    WsClient stillTls;
    stillTls.socket().setSslConfiguration(next.clientConfiguration());
    QVERIFY(stillTls.connectAndWelcome(fixture->wsUrlRaw(path)));
}

void TestTls::badCertificateOptionsStopTheStart_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error");
    const QString cert = m_certificate->certificateFile();
    const QString key = m_certificate->keyFile();
    QTest::newRow("certificate without key")
        << QStringList{u"--tls-cert"_s, cert} << u"--tls-cert and --tls-key go together"_s;
    QTest::newRow("API key without certificate")
        << QStringList{u"--api-tls-key"_s, key}
        << u"--api-tls-cert and --api-tls-key go together"_s;
    QTest::newRow("missing certificate file")
        << QStringList{u"--tls-cert"_s, u"/nonexistent/cert.pem"_s, u"--tls-key"_s, key}
        << u"cannot read /nonexistent/cert.pem"_s;
    QTest::newRow("key file holds a certificate")
        << QStringList{u"--api-tls-cert"_s, cert, u"--api-tls-key"_s, cert}
        << u"holds no unencrypted PEM RSA or EC private key"_s;
    QTest::newRow("certificate file holds a key")
        << QStringList{u"--tls-cert"_s, key, u"--tls-key"_s, key} << u"holds no PEM certificate"_s;
}

void TestTls::badCertificateOptionsStopTheStart()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    const ConfigResult result = ConfigLoader::load(
        QStringList{u"herald-server"_s, u"--dev"_s} + arguments, QProcessEnvironment());
    QCOMPARE(result.kind, ConfigResult::Kind::Error);
    QVERIFY2(result.text.contains(error), qPrintable(result.text));
}

HERALD_SERVER_TEST_MAIN(TestTls)
#include "tst_tls.moc"
