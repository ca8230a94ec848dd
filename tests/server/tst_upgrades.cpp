#include "config/tlscredentials.h"
#include "rawclient.h"
#include "serverfixture.h"
#include "testcertificate.h"

#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

const QByteArray AdminToken = "admin-token-0123456789abcdef";
const QByteArray AllowedOrigin = "https://ops.example.com";
constexpr int AnswerMs = 15000; // generous: a busy machine
// tst_upgrades_tls: the same table with TLS on both listeners.
#ifdef HERALD_UPGRADES_OVER_TLS
constexpr bool OverTls = true;
#else
constexpr bool OverTls = false;
#endif

enum class Credential { None, Wrong, ApiKey, AdminToken };

QByteArray authorization(Credential credential)
{
    switch (credential) {
    case Credential::None:
        return {};
    case Credential::Wrong:
        return "Authorization: Bearer not-the-right-secret-at-all\r\n";
    case Credential::ApiKey:
        return "Authorization: Bearer " + ServerFixture::defaultConfig().apiKey + "\r\n";
    case Credential::AdminToken:
        return "Authorization: Bearer " + AdminToken + "\r\n";
    }
    return {};
}

QString credentialName(Credential credential)
{
    static const char *names[] = {"no credential", "wrong credential", "API key", "admin token"};
    return QString::fromLatin1(names[int(credential)]);
}

} // namespace

// Who may switch a connection to WebSocket, on both listeners: every route,
// sent as an upgrade request with a valid key and no, wrong and right
// credentials. Only /admin with the admin token (API listener) and /ws with a
// valid token or legacy /client (public listener) answer 101; everything else
// gets its HTTP answer, the connection closes, and no frame ever follows.
// Built twice: plain, and over TLS (wss:// and https://).
class TestUpgrades : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void apiListener_data();
    void apiListener();
    void publicListener_data();
    void publicListener();
    void adminUpgradeHasNoCorsHeaders();
    void upgradeLaterOnAKeptAliveConnection_data();
    void upgradeLaterOnAKeptAliveConnection();
    void legacyPushAsUpgradeChangesNothing();

private:
    static void addColumns();
    bool connect(RawClient &raw, quint16 port) const;
    void checkUpgrade(quint16 port, const QByteArray &target, const QByteArray &headers, int status,
                      const QByteArray &firstFrame);
    std::unique_ptr<TestCertificate> m_certificate;
    std::unique_ptr<ServerFixture> m_fixture;
};

void TestUpgrades::initTestCase()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = AdminToken;
    config.adminAllowedOrigins = {QString::fromLatin1(AllowedOrigin)};
    config.legacyRoutes = true;
    if (OverTls) {
        m_certificate = std::make_unique<TestCertificate>();
        QVERIFY2(m_certificate->isValid(), qPrintable(m_certificate->errorString()));
        QString error;
        config.tls = TlsCredentials::load(m_certificate->certificateFile(),
                                          m_certificate->keyFile(), &error);
        QVERIFY2(config.tls, qPrintable(error));
        config.apiTls = config.tls;
    }
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
    if (OverTls)
        m_fixture->api().setSslConfiguration(m_certificate->clientConfiguration());
}

bool TestUpgrades::connect(RawClient &raw, quint16 port) const
{
    return OverTls ? raw.connectEncrypted(port, m_certificate->clientConfiguration())
                   : raw.connectTo(port);
}

void TestUpgrades::cleanupTestCase()
{
    m_fixture.reset();
}

void TestUpgrades::addColumns()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
}

void TestUpgrades::apiListener_data()
{
    addColumns();
    const QList<QByteArray> apiRoutes{"/metrics",
                                      "/api/v1/notify",
                                      "/api/v1/broadcast",
                                      "/api/v1/sessions",
                                      "/api/v1/sessions/s_1",
                                      "/api/v1/stats",
                                      "/api/v1/users/alice/sessions",
                                      "/api/v1/users/alice/read",
                                      "/api/v1/users/alice/unread",
                                      "/api/v1/users/alice/notifications"};
    const QList<Credential> all{Credential::None, Credential::Wrong, Credential::ApiKey,
                                Credential::AdminToken};
    for (const QByteArray &route : apiRoutes) {
        for (Credential credential : all) {
            // The API key passes the bearer check; the route then refuses the upgrade.
            const int status = credential == Credential::ApiKey ? 400 : 401;
            QTest::addRow("%s, %s", route.constData(), qPrintable(credentialName(credential)))
                << route << authorization(credential) << status;
        }
    }
    for (Credential credential : all) {
        const QString name = credentialName(credential);
        QTest::addRow("/healthz, %s", qPrintable(name))
            << QByteArray("/healthz") << authorization(credential) << 200;
        QTest::addRow("legacy /new/<id>, %s", qPrintable(name))
            << QByteArray("/new/alice") << authorization(credential) << 400;
        QTest::addRow("unknown path, %s", qPrintable(name))
            << QByteArray("/nope") << authorization(credential) << 404;
        QTest::addRow("/ws on the API port, %s", qPrintable(name))
            << QByteArray("/ws") << authorization(credential) << 404;
        QTest::addRow("/admin, %s", qPrintable(name))
            << QByteArray("/admin") << authorization(credential)
            << (credential == Credential::AdminToken ? 101 : 401);
    }
    QTest::newRow("/admin, token in the query")
        << "/admin?token=" + AdminToken << QByteArray() << 401;
    QTest::newRow("/admin, admin token, foreign Origin")
        << QByteArray("/admin")
        << authorization(Credential::AdminToken) + "Origin: https://evil.example\r\n"
        << 403;
    QTest::newRow("/admin, no credential, foreign Origin")
        << QByteArray("/admin") << QByteArray("Origin: https://evil.example\r\n") << 403;
    QTest::newRow("/admin, admin token, allowed Origin")
        << QByteArray("/admin")
        << authorization(Credential::AdminToken) + "Origin: " + AllowedOrigin + "\r\n"
        << 101;
    QTest::newRow("/admin, admin token, Origin null")
        << QByteArray("/admin") << authorization(Credential::AdminToken) + "Origin: null\r\n"
        << 403;
    QTest::newRow("/admin, admin token, percent-encoded path")
        << QByteArray("/%61dmin") << authorization(Credential::AdminToken) << 101;
}

void TestUpgrades::apiListener()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    checkUpgrade(m_fixture->server().apiPort(), target, headers, status, R"("type":"hello")");
}

void TestUpgrades::publicListener_data()
{
    addColumns();
    const QByteArray token = m_fixture->tokenFor(u"alice"_s);
    QTest::newRow("/ws, no credential") << QByteArray("/ws") << QByteArray() << 401;
    QTest::newRow("/ws, wrong token") << QByteArray("/ws?token=abc.def.ghi") << QByteArray() << 401;
    QTest::newRow("/ws, API key as bearer")
        << QByteArray("/ws") << authorization(Credential::ApiKey) << 401;
    QTest::newRow("/ws, admin token as bearer")
        << QByteArray("/ws") << authorization(Credential::AdminToken) << 401;
    QTest::newRow("/ws, valid token") << "/ws?token=" + token << QByteArray() << 101;
    QTest::newRow("/ws, valid token as bearer")
        << QByteArray("/ws") << "Authorization: Bearer " + token + "\r\n"
        << 101;
    QTest::newRow("legacy /client") << QByteArray("/client?user_id=alice") << QByteArray() << 101;
    QTest::newRow("/healthz") << QByteArray("/healthz") << QByteArray() << 200;
    QTest::newRow("/herald.js") << QByteArray("/herald.js") << QByteArray() << 200;
    QTest::newRow("/admin, admin token")
        << QByteArray("/admin") << authorization(Credential::AdminToken) << 404;
    QTest::newRow("/api/v1/stats, API key")
        << QByteArray("/api/v1/stats") << authorization(Credential::ApiKey) << 404;
    QTest::newRow("unknown path") << QByteArray("/nope") << QByteArray() << 404;
}

void TestUpgrades::publicListener()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    checkUpgrade(m_fixture->server().wsPort(), target, headers, status, R"("type":"welcome")");
}

// Reads the whole exchange: an accepted upgrade gets \a firstFrame; a refusal
// is one plain answer with \a status, carries no 101, no frame and no CORS
// header, and the connection closes.
void TestUpgrades::checkUpgrade(quint16 port, const QByteArray &target, const QByteArray &headers,
                                int status, const QByteArray &firstFrame)
{
    RawClient raw;
    QVERIFY(connect(raw, port));
    raw.sendUpgrade(target, headers);
    if (status == 101) {
        QCOMPARE(RawClient::statusOf(raw.readHead(AnswerMs)), 101);
        QByteArray frames;
        QVERIFY(QTest::qWaitFor(
            [&] {
                frames += raw.takeReceived();
                return frames.contains(firstFrame);
            },
            AnswerMs));
        return;
    }
    const QByteArray exchange = raw.readUntilClosed(AnswerMs);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(RawClient::statusOf(exchange), status);
    QVERIFY2(!exchange.contains("HTTP/1.1 101"), exchange.constData());
    QVERIFY(!exchange.contains(firstFrame));
    QVERIFY(!exchange.contains(R"("type":"snapshot")"));
    if (port == m_fixture->server().apiPort()) // the public port serves herald.mjs with CORS
        QVERIFY(!exchange.toLower().contains("access-control-"));
    // One answer only: never the route's and then the missing handler's.
    QVERIFY(!exchange.contains("\nHTTP/1.1 "));
}

void TestUpgrades::adminUpgradeHasNoCorsHeaders()
{
    RawClient raw;
    QVERIFY(connect(raw, m_fixture->server().apiPort()));
    raw.sendUpgrade("/admin", authorization(Credential::AdminToken));
    const QByteArray head = raw.readHead(AnswerMs);
    QCOMPARE(RawClient::statusOf(head), 101);
    QVERIFY(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    QVERIFY2(!head.toLower().contains("access-control-"), head.constData());
}

void TestUpgrades::upgradeLaterOnAKeptAliveConnection_data()
{
    addColumns();
    QTest::newRow("/healthz") << QByteArray("/healthz") << QByteArray() << 200;
    QTest::newRow("/admin, admin token")
        << QByteArray("/admin") << authorization(Credential::AdminToken) << 426;
    QTest::newRow("/admin, no credential") << QByteArray("/admin") << QByteArray() << 401;
    QTest::newRow("/api/v1/stats, API key")
        << QByteArray("/api/v1/stats") << authorization(Credential::ApiKey) << 400;
    QTest::newRow("unknown path") << QByteArray("/nope") << QByteArray() << 404;
}

// The first request is plain HTTP, so the connection is QHttpServer's when
// the upgrade comes: it must still never switch.
void TestUpgrades::upgradeLaterOnAKeptAliveConnection()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    RawClient raw;
    QVERIFY(connect(raw, m_fixture->server().apiPort()));
    raw.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(RawClient::statusOf(raw.readResponse(AnswerMs)), 200);
    raw.sendUpgrade(target, headers);
    const QByteArray exchange = raw.readUntilClosed(AnswerMs);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
    QVERIFY2(!exchange.contains("HTTP/1.1 101"), exchange.constData());
    QVERIFY(!exchange.contains(R"("type":"hello")"));
    QCOMPARE(exchange.count("HTTP/1.1 "), 1);
    QCOMPARE(RawClient::statusOf(exchange.mid(exchange.indexOf("HTTP/1.1 "))), status);
}

// An upgrade on the legacy push route must not push.
void TestUpgrades::legacyPushAsUpgradeChangesNothing()
{
    RawClient raw;
    QVERIFY(connect(raw, m_fixture->server().apiPort()));
    raw.sendUpgrade("/new/upgrade-victim");
    QCOMPARE(RawClient::statusOf(raw.readUntilClosed(AnswerMs)), 400);
    const ApiClient::Reply unread = m_fixture->api().get(u"/api/v1/users/upgrade-victim/unread"_s);
    QCOMPARE(unread.status, 200);
    QCOMPARE(unread.json().value(u"seq"_s).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestUpgrades)
#include "tst_upgrades.moc"
