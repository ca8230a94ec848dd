#include "rawclient.h"
#include "serverfixture.h"
#include "tokensigner.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {
const QByteArray NextSecret = "next-secret-0123456789abcdef0123456789";
}

// Rolling the signing secret: with the new one listed in secrets_file under a
// kid, browsers holding tokens from either secret connect, so the backend can
// switch without disconnecting anyone.
class TestTokenRotation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eitherSecretConnects_data();
    void eitherSecretConnects();
};

void TestTokenRotation::eitherSecretConnects_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    const QByteArray primary = ServerFixture::defaultConfig().secret;
    QTest::newRow("old secret, no kid")
        << QByteArray(R"({"alg":"HS256"})") << primary << 101 << QByteArray();
    QTest::newRow("new secret, its kid")
        << QByteArray(R"({"alg":"HS256","kid":"2026-12"})") << NextSecret << 101 << QByteArray();
    QTest::newRow("new secret, no kid")
        << QByteArray(R"({"alg":"HS256"})") << NextSecret << 101 << QByteArray();
    QTest::newRow("unknown kid") << QByteArray(R"({"alg":"HS256","kid":"2027-01"})") << NextSecret
                                 << 401 << QByteArray("token_kid");
    QTest::newRow("kid with the wrong secret") << QByteArray(R"({"alg":"HS256","kid":"2026-12"})")
                                               << primary << 401 << QByteArray("token_signature");
}

void TestTokenRotation::eitherSecretConnects()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, secret);
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    ServerConfig config = ServerFixture::defaultConfig();
    config.extraSecrets = {{"2026-12", NextSecret}};
    ServerFixture fixture(config);
    QVERIFY(fixture.start());
    const qint64 exp = QDateTime::currentSecsSinceEpoch() + 3600;
    const QByteArray token = TokenSigner(secret).signRaw(
        header, R"({"sub":"alice","exp":)" + QByteArray::number(exp) + "}");
    RawClient raw;
    QVERIFY(raw.connectTo(fixture.server().wsPort()));
    raw.sendUpgrade("/ws?token=" + token);
    const QByteArray head = raw.readHead(15000);
    QCOMPARE(RawClient::statusOf(head), status);
    if (status != 101) {
        const QByteArray answer = head + raw.readUntilClosed(15000);
        QVERIFY2(answer.contains(code), answer.constData());
    }
}

QTEST_GUILESS_MAIN(TestTokenRotation)
#include "tst_tokenrotation.moc"
