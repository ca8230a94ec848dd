#include "rawclient.h"
#include "serverfixture.h"
#include "serverstats.h"
#include "servertestmain.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// What a token's claims do to a session after the handshake: enforce_token_expiry closes
// it with 4002 when exp passes, and max_sessions_per_token caps the sessions of one sid
// (or jti).
class TestTokenLifetime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void expiredTokenIsRefusedAtHandshake();
    void sessionClosedWhenTokenExpires();
    void sessionsPerToken_data();
    void sessionsPerToken();
    void countersInStatsAndMetrics();

private:
    // A token for user with exp (seconds since the epoch) and extra claims.
    QByteArray token(const QString &user, qint64 exp, const QJsonObject &extra = {}) const;
    QUrl url(const QByteArray &token) const;

    std::unique_ptr<ServerFixture> m_fixture;
};

void TestTokenLifetime::initTestCase()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.enforceTokenExpiry = true;
    config.maxSessionsPerToken = 2;
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
}

void TestTokenLifetime::cleanupTestCase()
{
    m_fixture.reset();
}

QByteArray TestTokenLifetime::token(const QString &user, qint64 exp, const QJsonObject &extra) const
{
    QJsonObject claims = extra;
    claims.insert(u"sub"_s, user);
    claims.insert(u"exp"_s, exp);
    return TokenSigner(m_fixture->config().secret)
        .signRaw(R"({"alg":"HS256","typ":"JWT"})",
                 QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

QUrl TestTokenLifetime::url(const QByteArray &token) const
{
    return m_fixture->wsUrlRaw(u"/ws?token="_s + QString::fromLatin1(token));
}

// As without enforce_token_expiry: refused before the upgrade.
void TestTokenLifetime::expiredTokenIsRefusedAtHandshake()
{
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().wsPort()));
    raw.sendUpgrade("/ws?token=" + token(u"late"_s, QDateTime::currentSecsSinceEpoch() - 1));
    const QByteArray response = raw.readUntilClosed();
    QCOMPARE(RawClient::statusOf(response), 401);
    QCOMPARE(RawClient::bodyOf(response).value(u"error"_s).toObject().value(u"code"_s).toString(),
             u"token_expired"_s);
}

// Closed at exp, not before; the same user's session with a longer token stays. Three to
// four seconds (exp is whole seconds) leave a busy machine time for the welcome first.
void TestTokenLifetime::sessionClosedWhenTokenExpires()
{
    const QString user = u"expiring"_s;
    const quint64 closesBefore = m_fixture->server().stats().tokenExpiryCloses;
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + 4;
    WsClient lasting;
    QVERIFY(lasting.connectAndWelcome(url(token(user, exp + 3600))));
    WsClient expiring;
    qint64 closedAtMs = 0;
    connect(&expiring.socket(), &QWebSocket::disconnected, this,
            [&closedAtMs] { closedAtMs = QDateTime::currentMSecsSinceEpoch(); });
    QVERIFY(expiring.connectAndWelcome(url(token(user, exp))));
    QCOMPARE(m_fixture->server().directory().sessionsOf(user).size(), 2);

    QTRY_VERIFY_WITH_TIMEOUT(expiring.isClosed(), 20000);
    QCOMPARE(expiring.closeCode(), 4002);
    QCOMPARE(expiring.closeReason(), u"token expired"_s);
    QVERIFY2(closedAtMs >= exp * 1000, qPrintable(QString::number(exp * 1000 - closedAtMs)));
    QCOMPARE(m_fixture->server().stats().tokenExpiryCloses.load(), closesBefore + 1);
    QTRY_COMPARE(m_fixture->server().directory().sessionsOf(user).size(), 1);
    QVERIFY(lasting.isConnected());
}

void TestTokenLifetime::sessionsPerToken_data()
{
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<int>("allowed"); // of three sessions with the same token

    QTest::newRow("sid") << QJsonObject{{u"sid"_s, u"s-1"_s}} << 2;
    QTest::newRow("jti") << QJsonObject{{u"jti"_s, u"j-1"_s}} << 2;
    QTest::newRow("sid wins over jti")
        << QJsonObject{{u"sid"_s, u"s-2"_s}, {u"jti"_s, u"j-2"_s}} << 2;
    QTest::newRow("neither") << QJsonObject{} << 3;
}

// max_sessions_per_token = 2: the third session of one token is closed with 4008, as the
// one over max_sessions_per_user is; another token of the same user is not affected.
void TestTokenLifetime::sessionsPerToken()
{
    QFETCH(QJsonObject, claims);
    QFETCH(int, allowed);
    const QString user = u"per-token-"_s + QString::fromLatin1(QTest::currentDataTag());
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + 3600;
    const quint64 refusedBefore = m_fixture->server().stats().tokenSessionRefusals;
    const QByteArray shared = token(user, exp, claims);
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<WsClient>());
        const bool welcomed = clients.back()->connectAndWelcome(url(shared));
        QCOMPARE(welcomed, i < allowed);
        if (!welcomed) {
            QCOMPARE(clients.back()->closeCode(), 4008);
            QCOMPARE(clients.back()->closeReason(), u"too many sessions for this token"_s);
        }
    }
    QCOMPARE(m_fixture->server().stats().tokenSessionRefusals.load(),
             refusedBefore + quint64(3 - allowed));
    QJsonObject other = claims;
    for (const QString &claim : {u"sid"_s, u"jti"_s}) {
        if (other.contains(claim))
            other.insert(claim, other.value(claim).toString() + u"-other"_s);
    }
    WsClient another;
    QVERIFY(another.connectAndWelcome(url(token(user, exp, other))));
    QCOMPARE(m_fixture->server().directory().sessionsOf(user).size(), allowed + 1);
}

void TestTokenLifetime::countersInStatsAndMetrics()
{
    const ServerStats &stats = m_fixture->server().stats();
    const QJsonObject json
        = QJsonDocument::fromJson(m_fixture->api().get(u"/api/v1/stats"_s).body).object();
    QCOMPARE(json.value(u"token_expiry_closes"_s).toDouble(), double(stats.tokenExpiryCloses));
    QCOMPARE(json.value(u"sessions_refused_per_token"_s).toDouble(),
             double(stats.tokenSessionRefusals));
    const QByteArray metrics = m_fixture->api().get(u"/metrics"_s).body;
    QVERIFY(metrics.contains("\nherald_token_expiry_closes_total "
                             + QByteArray::number(stats.tokenExpiryCloses.load()) + '\n'));
    QVERIFY(metrics.contains("\nherald_limit_refusals_total{limit=\"max_sessions_per_token\"} "
                             + QByteArray::number(stats.tokenSessionRefusals.load()) + '\n'));
}

HERALD_SERVER_TEST_MAIN(TestTokenLifetime)
#include "tst_tokenlifetime.moc"
