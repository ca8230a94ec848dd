#include "tokensigner.h"
#include "tokenverifier.h"

#include <QByteArrayList>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Herald::TokenClaims;
using Herald::TokenError;
using Herald::TokenSigner;
using Herald::TokenVerifier;

namespace {

// A fixed clock keeps every expiry case deterministic.
constexpr qint64 Now = 1'700'000'000;
constexpr char Secret[] = "herald-test-secret";
constexpr qsizetype MaxTokenSize = 8 * 1024;

QDateTime at(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
}

QByteArray num(qint64 value)
{
    return QByteArray::number(value);
}

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray hs256()
{
    return R"({"alg":"HS256","typ":"JWT"})"_ba;
}

QByteArray signRaw(const QByteArray &header, const QByteArray &payload,
                   const QByteArray &secret = Secret)
{
    return TokenSigner(secret).signRaw(header, payload);
}

// An HS256 token for \a payload, signed with the right secret.
QByteArray token(const QByteArray &payload)
{
    return signRaw(hs256(), payload);
}

QByteArray aliceWithExp(const QByteArray &expJson)
{
    return R"({"sub":"alice","exp":)" + expJson + '}';
}

QByteArray goodPayload()
{
    return aliceWithExp(num(Now + 3600));
}

QByteArray replacePart(const QByteArray &token, int index, const QByteArray &part)
{
    QByteArrayList parts = token.split('.');
    parts[index] = part;
    return parts.join('.');
}

// Changes only the two unused low bits of the signature's last character:
// same bytes once decoded, but not the canonical spelling.
QByteArray respellSignature(const QByteArray &token)
{
    const QByteArray alphabet
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"_ba;
    QByteArray result = token;
    const qsizetype last = result.size() - 1;
    result[last] = alphabet.at(alphabet.indexOf(result.at(last)) ^ 1);
    return result;
}

// A valid token padded with a junk claim to at least \a minSize, at most \a maxSize bytes.
QByteArray paddedToken(qsizetype minSize, qsizetype maxSize)
{
    for (qsizetype pad = minSize; pad > 0; --pad) {
        const QByteArray padded = R"({"sub":"alice","exp":)" + num(Now + 3600) + R"(,"pad":")"
            + QByteArray(pad, 'x') + "\"}";
        const QByteArray result = token(padded);
        if (result.size() >= minSize && result.size() <= maxSize)
            return result;
    }
    return {};
}

TokenVerifier::Result verifyAtNow(const QByteArray &token, int leeway = 0)
{
    return TokenVerifier(Secret, leeway).verify(token, at(Now));
}

} // namespace

class TestTokenVerifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusals_data();
    void refusals();
    void accepted_data();
    void accepted();
    void signerRoundTrip();
    void rotationWithSeveralSecrets_data();
    void rotationWithSeveralSecrets();
    void signRawEncodesBytesAsGiven();
    void negativeLeewayCountsAsNone();
    void errorCodes();

private:
    static void addMalformedRows();
    static void addAlgorithmRows();
    static void addSignatureRows();
    static void addClaimRows();
    static void addTimeRows();
    static void addPrecedenceRows();
};

void TestTokenVerifier::refusals_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("leeway");
    QTest::addColumn<TokenError>("expected");

    QTest::newRow("empty") << QByteArray() << 0 << TokenError::Missing;
    addMalformedRows();
    addAlgorithmRows();
    addSignatureRows();
    addClaimRows();
    addTimeRows();
    addPrecedenceRows();
}

void TestTokenVerifier::addMalformedRows()
{
    const QByteArray valid = token(goodPayload());
    const TokenError malformed = TokenError::Malformed;
    QTest::newRow("two parts") << b64(hs256()) + '.' + b64(goodPayload()) << 0 << malformed;
    QTest::newRow("four parts") << valid + ".AAAA" << 0 << malformed;
    QTest::newRow("empty signature") << replacePart(valid, 2, {}) << 0 << malformed;
    QTest::newRow("empty header part") << replacePart(valid, 0, {}) << 0 << malformed;
    QTest::newRow("bad base64 char") << replacePart(valid, 1, "eyJ$dWIiOiJ9"_ba) << 0 << malformed;
    QTest::newRow("standard base64 alphabet") << replacePart(valid, 2, "ab+/"_ba) << 0 << malformed;
    QTest::newRow("base64 padding") << valid + '=' << 0 << malformed;
    QTest::newRow("non-canonical base64") << respellSignature(valid) << 0 << malformed;
    QTest::newRow("surrounding whitespace") << ' ' + valid << 0 << malformed;
    QTest::newRow("header not JSON") << signRaw("not json"_ba, goodPayload()) << 0 << malformed;
    QTest::newRow("header JSON array")
        << signRaw(R"(["HS256"])"_ba, goodPayload()) << 0 << malformed;
    QTest::newRow("payload not JSON") << token(R"({"sub":"alice",)"_ba) << 0 << malformed;
    QTest::newRow("payload JSON array") << token(R"(["alice"])"_ba) << 0 << malformed;
    QTest::newRow("alg none, empty signature")
        << b64(R"({"alg":"none"})"_ba) + '.' + b64(goodPayload()) + '.' << 0 << malformed;
    QTest::newRow("oversized") << paddedToken(MaxTokenSize + 1, MaxTokenSize + 64) << 0
                               << malformed;
}

void TestTokenVerifier::addAlgorithmRows()
{
    const TokenError bad = TokenError::BadAlgorithm;
    QTest::newRow("alg none, signed") << signRaw(R"({"alg":"none"})"_ba, goodPayload()) << 0 << bad;
    QTest::newRow("alg HS512") << signRaw(R"({"alg":"HS512"})"_ba, goodPayload()) << 0 << bad;
    QTest::newRow("alg RS256") << signRaw(R"({"alg":"RS256"})"_ba, goodPayload()) << 0 << bad;
    QTest::newRow("alg lowercase") << signRaw(R"({"alg":"hs256"})"_ba, goodPayload()) << 0 << bad;
    QTest::newRow("alg not a string") << signRaw(R"({"alg":256})"_ba, goodPayload()) << 0 << bad;
    QTest::newRow("alg missing") << signRaw(R"({"typ":"JWT"})"_ba, goodPayload()) << 0 << bad;
    const TokenError crit = TokenError::CriticalExtension;
    QTest::newRow("crit extension")
        << signRaw(R"({"alg":"HS256","crit":["exp"],"exp":1})"_ba, goodPayload()) << 0 << crit;
    QTest::newRow("crit unknown extension")
        << signRaw(R"({"alg":"HS256","crit":["x-herald"],"x-herald":true})"_ba, goodPayload()) << 0
        << crit;
    QTest::newRow("crit empty list")
        << signRaw(R"({"alg":"HS256","crit":[]})"_ba, goodPayload()) << 0 << crit;
    QTest::newRow("crit not a list")
        << signRaw(R"({"alg":"HS256","crit":"b64"})"_ba, goodPayload()) << 0 << crit;
}

void TestTokenVerifier::addSignatureRows()
{
    const QByteArray valid = token(goodPayload());
    const QByteArray otherPayload = b64(R"({"sub":"mallory","exp":)" + num(Now + 3600) + '}');
    const TokenError bad = TokenError::BadSignature;
    QTest::newRow("wrong secret") << signRaw(hs256(), goodPayload(), "other-secret"_ba) << 0 << bad;
    QTest::newRow("tampered payload") << replacePart(valid, 1, otherPayload) << 0 << bad;
    QTest::newRow("truncated signature")
        << replacePart(valid, 2, valid.split('.').at(2).left(40)) << 0 << bad;
}

void TestTokenVerifier::addClaimRows()
{
    const QByteArray exp = num(Now + 3600);
    const TokenError bad = TokenError::MissingClaim;
    QTest::newRow("missing sub") << token(R"({"exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("empty sub") << token(R"({"sub":"","exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("numeric sub") << token(R"({"sub":42,"exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("null sub") << token(R"({"sub":null,"exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("missing exp") << token(R"({"sub":"alice"})"_ba) << 0 << bad;
    QTest::newRow("string exp") << token(aliceWithExp('"' + exp + '"')) << 0 << bad;
    QTest::newRow("null exp") << token(aliceWithExp("null"_ba)) << 0 << bad;
    QTest::newRow("exp past year 9999") << token(aliceWithExp("1e300"_ba)) << 0 << bad;
    QTest::newRow("nbf wrong type")
        << token(R"({"sub":"alice","nbf":"yesterday","exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("iat wrong type")
        << token(R"({"sub":"alice","iat":true,"exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("jti wrong type")
        << token(R"({"sub":"alice","jti":7,"exp":)" + exp + '}') << 0 << bad;
    QTest::newRow("sid wrong type")
        << token(R"({"sub":"alice","sid":["a"],"exp":)" + exp + '}') << 0 << bad;
}

void TestTokenVerifier::addTimeRows()
{
    const TokenError expired = TokenError::Expired;
    const TokenError early = TokenError::NotYetValid;
    const QByteArray future = R"(,"exp":)" + num(Now + 3600) + '}';
    QTest::newRow("expired") << token(aliceWithExp(num(Now - 10))) << 0 << expired;
    QTest::newRow("exp exactly now") << token(aliceWithExp(num(Now))) << 0 << expired;
    QTest::newRow("exp half a second ago")
        << token(aliceWithExp(num(Now - 1) + ".5")) << 0 << expired;
    QTest::newRow("expired beyond leeway") << token(aliceWithExp(num(Now - 61))) << 60 << expired;
    QTest::newRow("nbf in future")
        << token(R"({"sub":"alice","nbf":)" + num(Now + 1) + future) << 0 << early;
    QTest::newRow("nbf beyond leeway")
        << token(R"({"sub":"alice","nbf":)" + num(Now + 61) + future) << 60 << early;
}

// verify() reports the first failure in the documented order.
void TestTokenVerifier::addPrecedenceRows()
{
    const QByteArray expiredNoSub = R"({"exp":)" + num(Now - 10) + '}';
    QTest::newRow("bad alg beats bad signature")
        << signRaw(R"({"alg":"none"})"_ba, goodPayload(), "other"_ba) << 0
        << TokenError::BadAlgorithm;
    QTest::newRow("bad signature beats expired")
        << signRaw(hs256(), aliceWithExp(num(Now - 10)), "other"_ba) << 0
        << TokenError::BadSignature;
    QTest::newRow("missing claim beats expired")
        << token(expiredNoSub) << 0 << TokenError::MissingClaim;
    QTest::newRow("expired beats not yet valid")
        << token(R"({"sub":"alice","nbf":)" + num(Now + 60) + R"(,"exp":)" + num(Now) + '}') << 0
        << TokenError::Expired;
}

void TestTokenVerifier::refusals()
{
    QFETCH(QByteArray, token);
    QFETCH(int, leeway);
    QFETCH(TokenError, expected);

    const TokenVerifier::Result result = verifyAtNow(token, leeway);
    const TokenError *error = std::get_if<TokenError>(&result);
    QVERIFY2(error, "token was accepted");
    // Compare the codes, not the enum: QCOMPARE then prints readable values.
    QCOMPARE(TokenVerifier::errorCode(*error), TokenVerifier::errorCode(expected));
}

void TestTokenVerifier::accepted_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("leeway");
    QTest::addColumn<QDateTime>("expires");
    QTest::addColumn<QDateTime>("issuedAt");
    QTest::addColumn<QDateTime>("notBefore");
    QTest::addColumn<QString>("tokenId");

    const QByteArray exp = num(Now + 3600);
    const QDateTime none;
    QTest::newRow("minimal claims")
        << token(goodPayload()) << 0 << at(Now + 3600) << none << none << QString();
    QTest::newRow("with iat, nbf, jti")
        << token(R"({"sub":"alice","iat":)" + num(Now - 5) + R"(,"nbf":)" + num(Now - 5)
                 + R"(,"jti":"id-1","exp":)" + exp + '}')
        << 0 << at(Now + 3600) << at(Now - 5) << at(Now - 5) << u"id-1"_s;
    QTest::newRow("no typ, unknown claims")
        << signRaw(R"({"alg":"HS256"})"_ba, R"({"aud":"x","sub":"alice","exp":)" + exp + '}') << 0
        << at(Now + 3600) << none << none << QString();
    QTest::newRow("typ ignored") << signRaw(R"({"alg":"HS256","typ":7})"_ba, goodPayload()) << 0
                                 << at(Now + 3600) << none << none << QString();
    QTest::newRow("fractional exp") << token(aliceWithExp(num(Now) + ".5")) << 0
                                    << at(Now).addMSecs(500) << none << none << QString();
    QTest::newRow("leeway accepts just expired")
        << token(aliceWithExp(num(Now - 30))) << 60 << at(Now - 30) << none << none << QString();
    QTest::newRow("nbf exactly now")
        << token(R"({"sub":"alice","nbf":)" + num(Now) + R"(,"exp":)" + exp + '}') << 0
        << at(Now + 3600) << none << at(Now) << QString();
    QTest::newRow("leeway accepts early nbf")
        << token(R"({"sub":"alice","nbf":)" + num(Now + 30) + R"(,"exp":)" + exp + '}') << 60
        << at(Now + 3600) << none << at(Now + 30) << QString();
    QTest::newRow("just under the size limit") << paddedToken(MaxTokenSize - 64, MaxTokenSize) << 0
                                               << at(Now + 3600) << none << none << QString();
}

void TestTokenVerifier::accepted()
{
    QFETCH(QByteArray, token);
    QFETCH(int, leeway);
    QFETCH(QDateTime, expires);
    QFETCH(QDateTime, issuedAt);
    QFETCH(QDateTime, notBefore);
    QFETCH(QString, tokenId);

    const TokenVerifier::Result result = verifyAtNow(token, leeway);
    if (const TokenError *error = std::get_if<TokenError>(&result))
        QFAIL(qPrintable(u"refused with "_s + TokenVerifier::errorCode(*error)));
    const TokenClaims *claims = &std::get<TokenClaims>(result);
    QCOMPARE(claims->user, u"alice"_s);
    QCOMPARE(claims->expires, expires);
    QCOMPARE(claims->issuedAt, issuedAt);
    QCOMPARE(claims->notBefore, notBefore);
    QCOMPARE(claims->tokenId, tokenId);
}

void TestTokenVerifier::signerRoundTrip()
{
    const QByteArray signedToken = TokenSigner(Secret).sign(u"bob"_s, at(Now + 600), at(Now - 1));
    QCOMPARE(QByteArray::fromBase64(signedToken.split('.').at(0), QByteArray::Base64UrlEncoding),
             R"({"alg":"HS256","typ":"JWT"})"_ba);

    const TokenVerifier::Result result = verifyAtNow(signedToken);
    const TokenClaims *claims = std::get_if<TokenClaims>(&result);
    QVERIFY(claims);
    QCOMPARE(claims->user, u"bob"_s);
    QCOMPARE(claims->expires, at(Now + 600));
    QCOMPARE(claims->issuedAt, at(Now - 1));
    QVERIFY(!claims->notBefore.isValid());
    QVERIFY(claims->tokenId.isEmpty());
}

void TestTokenVerifier::signRawEncodesBytesAsGiven()
{
    const QByteArray header = " { \"alg\" : \"HS256\" }\n"_ba;
    const QByteArray payload = goodPayload() + ' ';
    const QByteArrayList parts = signRaw(header, payload).split('.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts.at(0), b64(header));
    QCOMPARE(parts.at(1), b64(payload));
    QVERIFY(std::holds_alternative<TokenClaims>(verifyAtNow(parts.join('.'))));
}

void TestTokenVerifier::negativeLeewayCountsAsNone()
{
    const QByteArray soon = token(aliceWithExp(num(Now + 30)));
    QVERIFY(std::holds_alternative<TokenClaims>(verifyAtNow(soon, -60)));
}

void TestTokenVerifier::errorCodes()
{
    const QList<std::pair<TokenError, QString>> expected{
        {TokenError::Missing, u"token_missing"_s},
        {TokenError::Malformed, u"token_invalid"_s},
        {TokenError::BadAlgorithm, u"token_algorithm"_s},
        {TokenError::BadSignature, u"token_signature"_s},
        {TokenError::MissingClaim, u"token_claims"_s},
        {TokenError::Expired, u"token_expired"_s},
        {TokenError::NotYetValid, u"token_not_yet_valid"_s},
    };
    QSet<QString> codes;
    QSet<QString> messages;
    for (const auto &[error, code] : expected) {
        QCOMPARE(TokenVerifier::errorCode(error), code);
        QVERIFY(!TokenVerifier::errorMessage(error).isEmpty());
        codes.insert(TokenVerifier::errorCode(error));
        messages.insert(TokenVerifier::errorMessage(error));
    }
    QCOMPARE(codes.size(), expected.size());
    QCOMPARE(messages.size(), expected.size());
}

void TestTokenVerifier::rotationWithSeveralSecrets_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("error"); // -1: accepted
    const QByteArray oldSecret = "old-secret-0123456789abcdef0123456789";
    const QByteArray newSecret = "new-secret-0123456789abcdef0123456789";
    const QByteArray stranger = "not-ours-0123456789abcdef0123456789ab";
    const auto withKid
        = [](const QByteArray &kid) { return R"({"alg":"HS256","typ":"JWT","kid":)" + kid + "}"; };
    QTest::newRow("no kid, primary secret") << signRaw(hs256(), goodPayload(), oldSecret) << -1;
    QTest::newRow("no kid, listed secret") << signRaw(hs256(), goodPayload(), newSecret) << -1;
    QTest::newRow("no kid, unknown secret")
        << signRaw(hs256(), goodPayload(), stranger) << int(TokenError::BadSignature);
    QTest::newRow("kid picks its secret")
        << signRaw(withKid(R"("k2")"), goodPayload(), newSecret) << -1;
    QTest::newRow("kid with another key's secret")
        << signRaw(withKid(R"("k2")"), goodPayload(), oldSecret) << int(TokenError::BadSignature);
    QTest::newRow("unknown kid") << signRaw(withKid(R"("k9")"), goodPayload(), newSecret)
                                 << int(TokenError::UnknownKey);
    QTest::newRow("empty kid never picks the primary")
        << signRaw(withKid(R"("")"), goodPayload(), oldSecret) << int(TokenError::UnknownKey);
    QTest::newRow("kid not a string")
        << signRaw(withKid("2"), goodPayload(), newSecret) << int(TokenError::Malformed);
}

void TestTokenVerifier::rotationWithSeveralSecrets()
{
    QFETCH(QByteArray, token);
    QFETCH(int, error);
    const TokenVerifier verifier(
        QList<TokenVerifier::Key>{{QByteArray(), "old-secret-0123456789abcdef0123456789"},
                                  {"k2", "new-secret-0123456789abcdef0123456789"}});
    const TokenVerifier::Result result = verifier.verify(token, at(Now));
    if (error < 0) {
        QVERIFY(std::holds_alternative<TokenClaims>(result));
        QCOMPARE(std::get<TokenClaims>(result).user, u"alice"_s);
    } else {
        QVERIFY(std::holds_alternative<TokenError>(result));
        QCOMPARE(int(std::get<TokenError>(result)), error);
    }
}

QTEST_APPLESS_MAIN(TestTokenVerifier)
#include "tst_tokenverifier.moc"
