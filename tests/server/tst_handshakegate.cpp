#include "tokensigner.h"
#include "tokenverifier.h"
#include "ws/handshakegate.h"
#include "ws/handshakerequest.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

using namespace Herald;
using namespace Qt::Literals::StringLiterals;

namespace {

const QByteArray Secret1 = "first-secret-of-at-least-32-bytes!!";
const QByteArray Secret2 = "second-secret-of-at-least-32-bytes!";

// The gate's verifier knows two keys, as during a secret rotation.
TokenVerifier verifier()
{
    return TokenVerifier(QList<TokenVerifier::Key>{{"k1", Secret1}, {"k2", Secret2}});
}

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray validToken(const QString &user = u"alice"_s, const QByteArray &secret = Secret1)
{
    return TokenSigner(secret).sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
}

// A token with any header and claims, signed with Secret1.
QByteArray craft(const QByteArray &header, const QJsonObject &claims,
                 const QByteArray &secret = Secret1)
{
    return TokenSigner(secret).signRaw(header, json(claims));
}

QJsonObject claims(const QString &user = u"alice"_s)
{
    return {{u"sub"_s, user}, {u"exp"_s, now() + 600}};
}

const QByteArray Hs256 = R"({"alg":"HS256","typ":"JWT"})";

// A WebSocket upgrade request head for \a target with \a extra header lines.
QByteArray upgrade(const QByteArray &target, const QByteArray &extra = {},
                   const QByteArray &method = "GET")
{
    return method + ' ' + target
        + " HTTP/1.1\r\nHost: herald.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + extra + "\r\n";
}

QByteArray withToken(const QByteArray &token, const QByteArray &query = {})
{
    return upgrade("/ws?token=" + token + query);
}

QByteArray plainGet(const QByteArray &target, const QByteArray &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: herald.test\r\n" + extra + "\r\n";
}

} // namespace

// HandshakeGate on its own: what the public listener answers to a request head.
class TestHandshakeGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusals_data();
    void refusals();
    void upgrades_data();
    void upgrades();
    void staticFiles_data();
    void staticFiles();
    void malformedHeads_data();
    void malformedHeads();
    void headLength_data();
    void headLength();
    void errorAnswers_data();
    void errorAnswers();
    void reconfigureSwapsSecretsAndOrigins();
    void reconfigureWhileDecidingInOtherThreads();
};

void TestHandshakeGate::refusals_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("legacyRoutes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const auto row = [](const char *name, const QByteArray &head, int status, const QString &code,
                        bool legacyRoutes = false) {
        QTest::newRow(name) << head << legacyRoutes << status << code;
    };
    // Tokens, in TokenVerifier's order of checks.
    row("no token", upgrade("/ws"), 401, u"token_missing"_s);
    row("empty token", withToken(""), 401, u"token_missing"_s);
    row("Basic authorization", upgrade("/ws", "Authorization: Basic YTpi\r\n"), 401,
        u"token_missing"_s);
    row("garbage", withToken("not.a.jwt"), 401, u"token_invalid"_s);
    row("two parts", withToken(validToken().split('.').mid(0, 2).join('.')), 401,
        u"token_invalid"_s);
    row("oversized token", withToken(QByteArray(9000, 'a') + ".b.c"), 401, u"token_invalid"_s);
    row("kid not a string", withToken(craft(R"({"alg":"HS256","kid":7})", claims())), 401,
        u"token_invalid"_s);
    row("alg none", withToken(craft(R"({"alg":"none"})", claims())), 401, u"token_algorithm"_s);
    row("alg HS512", withToken(craft(R"({"alg":"HS512"})", claims())), 401, u"token_algorithm"_s);
    row("no alg", withToken(craft(R"({"typ":"JWT"})", claims())), 401, u"token_algorithm"_s);
    row("crit", withToken(craft(R"({"alg":"HS256","crit":["exp"]})", claims())), 401,
        u"token_crit"_s);
    row("empty crit", withToken(craft(R"({"alg":"HS256","crit":[]})", claims())), 401,
        u"token_crit"_s);
    row("unknown kid", withToken(craft(R"({"alg":"HS256","kid":"k9"})", claims())), 401,
        u"token_kid"_s);
    row("unknown secret", withToken(validToken(u"alice"_s, "some-other-secret")), 401,
        u"token_signature"_s);
    row("kid names the other key",
        withToken(craft(R"({"alg":"HS256","kid":"k1"})", claims(), Secret2)), 401,
        u"token_signature"_s);
    {
        // The claims of another token under alice's signature.
        const QList<QByteArray> alice = validToken().split('.');
        const QList<QByteArray> mallory = validToken(u"mallory"_s).split('.');
        row("tampered claims", withToken(alice[0] + '.' + mallory[1] + '.' + alice[2]), 401,
            u"token_signature"_s);
    }
    row("bad signature in header",
        upgrade("/ws", "Authorization: Bearer " + validToken(u"a"_s, "wrong-secret") + "\r\n"), 401,
        u"token_signature"_s);
    row("no sub", withToken(craft(Hs256, {{u"exp"_s, now() + 600}})), 401, u"token_claims"_s);
    row("empty sub", withToken(craft(Hs256, claims(QString()))), 401, u"token_claims"_s);
    row("numeric sub", withToken(craft(Hs256, {{u"sub"_s, 7}, {u"exp"_s, now() + 600}})), 401,
        u"token_claims"_s);
    row("no exp", withToken(craft(Hs256, {{u"sub"_s, u"alice"_s}})), 401, u"token_claims"_s);
    row("exp as a string",
        withToken(craft(Hs256, {{u"sub"_s, u"alice"_s}, {u"exp"_s, u"tomorrow"_s}})), 401,
        u"token_claims"_s);
    row("expired", withToken(craft(Hs256, {{u"sub"_s, u"alice"_s}, {u"exp"_s, now() - 10}})), 401,
        u"token_expired"_s);
    row("not yet valid",
        withToken(craft(
            Hs256, {{u"sub"_s, u"alice"_s}, {u"exp"_s, now() + 600}, {u"nbf"_s, now() + 300}})),
        401, u"token_not_yet_valid"_s);
    row("token checked before resume", withToken("not.a.jwt", "&since=x&epoch=e"), 401,
        u"token_invalid"_s);

    // Routes and methods: 404 before 405 before 426.
    row("unknown path", upgrade("/socket"), 404, u"not_found"_s);
    row("root", upgrade("/"), 404, u"not_found"_s);
    row("path is case-sensitive", upgrade("/WS?token=" + validToken()), 404, u"not_found"_s);
    row("trailing slash", upgrade("/ws/?token=" + validToken()), 404, u"not_found"_s);
    row("legacy route off", upgrade("/client?user_id=alice"), 404, u"not_found"_s);
    row("push API path", plainGet("/api/v1/stats"), 404, u"not_found"_s);
    row("unknown path, wrong method", upgrade("/nope", {}, "POST"), 404, u"not_found"_s);
    row("POST /ws", upgrade("/ws?token=" + validToken(), {}, "POST"), 405, u"method_not_allowed"_s);
    row("lower-case get", upgrade("/ws?token=" + validToken(), {}, "get"), 405,
        u"method_not_allowed"_s);
    row("PUT /healthz", "PUT /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405, u"method_not_allowed"_s);
    row("HEAD /herald.js", "HEAD /herald.js HTTP/1.1\r\nHost: x\r\n\r\n", 405,
        u"method_not_allowed"_s);
    row("DELETE /client, legacy on", upgrade("/client?user_id=a", {}, "DELETE"), 405,
        u"method_not_allowed"_s, true);
    row("plain GET /ws", plainGet("/ws?token=" + validToken()), 426, u"upgrade_required"_s);
    row("no Connection: Upgrade",
        plainGet("/ws?token=" + validToken(), "Upgrade: websocket\r\nConnection: keep-alive\r\n"),
        426, u"upgrade_required"_s);
    row("Upgrade: h2c",
        plainGet("/ws?token=" + validToken(), "Upgrade: h2c\r\nConnection: Upgrade\r\n"), 426,
        u"upgrade_required"_s);
    row("no Upgrade header", plainGet("/ws?token=" + validToken(), "Connection: Upgrade\r\n"), 426,
        u"upgrade_required"_s);
    row("plain GET /client, legacy on", plainGet("/client?user_id=alice"), 426,
        u"upgrade_required"_s, true);

    // Legacy route: the user id.
    row("legacy, no user_id", upgrade("/client"), 400, u"invalid_field"_s, true);
    row("legacy, empty user_id", upgrade("/client?user_id="), 400, u"invalid_field"_s, true);
    row("legacy, 257-character user_id", upgrade("/client?user_id=" + QByteArray(257, 'u')), 400,
        u"invalid_field"_s, true);

    // Resume parameters: both or neither, since a whole number >= 0.
    row("since without epoch", withToken(validToken(), "&since=5"), 400, u"invalid_field"_s);
    row("epoch without since", withToken(validToken(), "&epoch=e1"), 400, u"invalid_field"_s);
    row("negative since", withToken(validToken(), "&since=-1&epoch=e1"), 400, u"invalid_field"_s);
    row("since not a number", withToken(validToken(), "&since=abc&epoch=e1"), 400,
        u"invalid_field"_s);
    row("fractional since", withToken(validToken(), "&since=1.5&epoch=e1"), 400,
        u"invalid_field"_s);
    row("empty since", withToken(validToken(), "&since=&epoch=e1"), 400, u"invalid_field"_s);
    row("since past 64 bits", withToken(validToken(), "&since=99999999999999999999&epoch=e1"), 400,
        u"invalid_field"_s);
    row("legacy, since without epoch", upgrade("/client?user_id=alice&since=3"), 400,
        u"invalid_field"_s, true);
}

// A refusal is a JSON error answer, never an upgrade.
void TestHandshakeGate::refusals()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, legacyRoutes);
    QFETCH(int, status);
    QFETCH(QString, code);

    const std::optional<HandshakeRequest> request = HandshakeRequest::parse(head);
    QVERIFY(request);
    const TokenVerifier tokens = verifier();
    const GateDecision decision = HandshakeGate(tokens, legacyRoutes).decide(*request);
    QVERIFY(!decision.upgrade);
    QCOMPARE(decision.status, status);
    QCOMPARE(decision.code, code);
    QVERIFY(decision.user.isEmpty());
    QVERIFY(!decision.resume);
    QCOMPARE(decision.contentType, "application/json"_ba);
    QCOMPARE(decision.cacheControl, "no-store"_ba);
    QVERIFY(!decision.crossOrigin);
    const QJsonObject error
        = QJsonDocument::fromJson(decision.body).object()[u"error"_s].toObject();
    QCOMPARE(error[u"code"_s].toString(), code);
    QVERIFY(!error[u"message"_s].toString().isEmpty());
}

void TestHandshakeGate::upgrades_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("legacyRoutes");
    QTest::addColumn<QString>("user");
    QTest::addColumn<qint64>("since"); // -1: no resume point
    QTest::addColumn<QString>("epoch");

    const auto row = [](const char *name, const QByteArray &head, const QString &user,
                        qint64 since = -1, const QString &epoch = {}, bool legacyRoutes = false) {
        QTest::newRow(name) << head << legacyRoutes << user << since << epoch;
    };
    row("query token", withToken(validToken()), u"alice"_s);
    row("bearer token", upgrade("/ws", "Authorization: Bearer " + validToken() + "\r\n"),
        u"alice"_s);
    row("bearer token, padded",
        upgrade("/ws", "Authorization: Bearer    " + validToken(u"bob"_s) + "  \r\n"), u"bob"_s);
    row("query wins over header",
        upgrade("/ws?token=" + validToken(),
                "Authorization: Bearer " + validToken(u"bob"_s) + "\r\n"),
        u"alice"_s);
    row("empty query falls back to header",
        upgrade("/ws?token=", "Authorization: Bearer " + validToken(u"bob"_s) + "\r\n"), u"bob"_s);
    row("percent-encoded token", withToken(validToken().replace('.', "%2E")), u"alice"_s);
    row("second key, no kid", withToken(validToken(u"carol"_s, Secret2)), u"carol"_s);
    row("second key by kid", withToken(craft(R"({"alg":"HS256","kid":"k2"})", claims(), Secret2)),
        u"alice"_s);
    row("non-ASCII user", withToken(validToken(u"zoë 🦊"_s)), u"zoë 🦊"_s);
    row("token with nbf in the past",
        withToken(craft(Hs256,
                        {{u"sub"_s, u"alice"_s}, {u"exp"_s, now() + 600}, {u"nbf"_s, now() - 60}})),
        u"alice"_s);
    row("percent-encoded path", upgrade("/%77s?token=" + validToken()), u"alice"_s);
    row("upgrade tokens in lists and any case",
        "GET /ws?token=" + validToken()
            + " HTTP/1.1\r\nHost: x\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, "
              "Upgrade\r\n\r\n",
        u"alice"_s);
    // The version and key are QtWebSockets' to check, after the hand-off.
    row("WebSocket version left to QtWebSockets",
        "GET /ws?token=" + validToken()
            + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 8\r\n\r\n",
        u"alice"_s);
    row("resume", withToken(validToken(), "&since=42&epoch=e1"), u"alice"_s, 42, u"e1"_s);
    row("resume from zero", withToken(validToken(), "&epoch=e1&since=0"), u"alice"_s, 0, u"e1"_s);
    row("resume, largest seq", withToken(validToken(), "&since=9223372036854775807&epoch=x"),
        u"alice"_s, std::numeric_limits<qint64>::max(), u"x"_s);
    row("resume, percent-encoded epoch", withToken(validToken(), "&since=7&epoch=a%2Fb%20c"),
        u"alice"_s, 7, u"a/b c"_s);
    row("resume with bearer token",
        upgrade("/ws?since=3&epoch=e2", "Authorization: Bearer " + validToken() + "\r\n"),
        u"alice"_s, 3, u"e2"_s);
    row("legacy route", upgrade("/client?user_id=dave"), u"dave"_s, -1, {}, true);
    row("legacy route, 256-character user_id", upgrade("/client?user_id=" + QByteArray(256, 'u')),
        QString(256, u'u'), -1, {}, true);
    row("legacy route, resume", upgrade("/client?user_id=d%20e&since=9&epoch=e3"), u"d e"_s, 9,
        u"e3"_s, true);
    row("legacy routes on, /ws still needs a token", withToken(validToken(u"erin"_s)), u"erin"_s,
        -1, {}, true);
}

void TestHandshakeGate::upgrades()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, legacyRoutes);
    QFETCH(QString, user);
    QFETCH(qint64, since);
    QFETCH(QString, epoch);

    const std::optional<HandshakeRequest> request = HandshakeRequest::parse(head);
    QVERIFY(request);
    const TokenVerifier tokens = verifier();
    const GateDecision decision = HandshakeGate(tokens, legacyRoutes).decide(*request);
    QVERIFY2(decision.upgrade, qPrintable(decision.code));
    QCOMPARE(decision.user, user);
    QVERIFY(decision.code.isEmpty());
    QCOMPARE(decision.resume.has_value(), since >= 0);
    if (decision.resume) {
        QCOMPARE(decision.resume->since, since);
        QCOMPARE(decision.resume->epoch, epoch);
    }
}

void TestHandshakeGate::staticFiles_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<bool>("legacyRoutes");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("cacheControl");
    QTest::addColumn<bool>("crossOrigin");
    QTest::addColumn<QString>("source"); // empty: the health answer

    const QByteArray script = "text/javascript; charset=utf-8";
    const QByteArray cached = "public, max-age=300";
    const QString js = QStringLiteral(HERALD_JS_DIR "/herald.js");
    const QString mjs = QStringLiteral(HERALD_JS_DIR "/herald.mjs");
    QTest::newRow("healthz") << plainGet("/healthz") << false << "application/json"_ba
                             << "no-store"_ba << false << QString();
    QTest::newRow("healthz, legacy on") << plainGet("/healthz") << true << "application/json"_ba
                                        << "no-store"_ba << false << QString();
    QTest::newRow("healthz with upgrade headers")
        << upgrade("/healthz") << false << "application/json"_ba
        << "no-store"_ba << false << QString();
    QTest::newRow("herald.js") << plainGet("/herald.js") << false << script << cached << true << js;
    QTest::newRow("herald.mjs") << plainGet("/herald.mjs") << false << script << cached << true
                                << mjs;
    QTest::newRow("herald.mjs with a query")
        << plainGet("/herald.mjs?v=3") << true << script << cached << true << mjs;
    QTest::newRow("herald.js with upgrade headers")
        << upgrade("/herald.js") << false << script << cached << true << js;
}

void TestHandshakeGate::staticFiles()
{
    QFETCH(QByteArray, head);
    QFETCH(bool, legacyRoutes);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, cacheControl);
    QFETCH(bool, crossOrigin);
    QFETCH(QString, source);

    const std::optional<HandshakeRequest> request = HandshakeRequest::parse(head);
    QVERIFY(request);
    const TokenVerifier tokens = verifier();
    const GateDecision decision = HandshakeGate(tokens, legacyRoutes).decide(*request);
    QVERIFY(!decision.upgrade);
    QCOMPARE(decision.status, 200);
    QVERIFY(decision.code.isEmpty());
    QCOMPARE(decision.contentType, contentType);
    QCOMPARE(decision.cacheControl, cacheControl);
    QCOMPARE(decision.crossOrigin, crossOrigin);
    if (source.isEmpty()) {
        QCOMPARE(decision.body, R"({"status":"ok"})"_ba);
        return;
    }
    QFile file(source);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray expected = file.readAll();
    QVERIFY(!expected.isEmpty());
    QCOMPARE(decision.body, expected);
}

// What the acceptor answers 400 bad_request to, without asking the gate.
void TestHandshakeGate::malformedHeads_data()
{
    QTest::addColumn<QByteArray>("head");

    QTest::newRow("not HTTP") << "HELLO\r\n\r\n"_ba;
    QTest::newRow("empty") << "\r\n\r\n"_ba;
    QTest::newRow("no version") << "GET /ws\r\n\r\n"_ba;
    QTest::newRow("HTTP/2") << "GET /ws HTTP/2.0\r\n\r\n"_ba;
    QTest::newRow("HTTP/0.9 style") << "GET /ws HTTP\r\n\r\n"_ba;
    QTest::newRow("relative target") << "GET ws HTTP/1.1\r\n\r\n"_ba;
    QTest::newRow("absolute-form target") << "GET http://x/ws HTTP/1.1\r\n\r\n"_ba;
    QTest::newRow("asterisk target") << "OPTIONS * HTTP/1.1\r\n\r\n"_ba;
    QTest::newRow("extra word") << "GET /ws HTTP/1.1 x\r\n\r\n"_ba;
    QTest::newRow("header without colon") << "GET /ws HTTP/1.1\r\nHost x\r\n\r\n"_ba;
    QTest::newRow("header without name") << "GET /ws HTTP/1.1\r\n: x\r\n\r\n"_ba;
}

void TestHandshakeGate::malformedHeads()
{
    QFETCH(QByteArray, head);
    QVERIFY(!HandshakeRequest::parse(head));
}

void TestHandshakeGate::headLength_data()
{
    QTest::addColumn<QByteArray>("buffer");
    QTest::addColumn<qsizetype>("length");

    QTest::newRow("empty") << QByteArray() << qsizetype(-1);
    QTest::newRow("incomplete") << "GET /ws HTTP/1.1\r\nHost: x\r\n"_ba << qsizetype(-1);
    QTest::newRow("bare LFs") << "GET /ws HTTP/1.1\nHost: x\n\n"_ba << qsizetype(-1);
    QTest::newRow("whole") << "GET / HTTP/1.1\r\n\r\n"_ba << qsizetype(18);
    QTest::newRow("frames after the head")
        << "GET / HTTP/1.1\r\n\r\n\x81\x80xxxx"_ba << qsizetype(18);
}

void TestHandshakeGate::headLength()
{
    QFETCH(QByteArray, buffer);
    QFETCH(qsizetype, length);
    QCOMPARE(HandshakeRequest::headLength(buffer), length);
}

// The refusals the acceptor builds with HandshakeGate::error() for what never
// reaches decide(): a malformed head, one over 16 KiB, a full server.
void TestHandshakeGate::errorAnswers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    QTest::newRow("malformed") << 400 << u"bad_request"_s;
    QTest::newRow("oversize head") << 431 << u"header_too_large"_s;
    QTest::newRow("server full") << 503 << u"server_full"_s;
}

void TestHandshakeGate::errorAnswers()
{
    QFETCH(int, status);
    QFETCH(QString, code);

    const GateDecision decision = HandshakeGate::error(status, code, u"Because."_s);
    QVERIFY(!decision.upgrade);
    QCOMPARE(decision.status, status);
    QCOMPARE(decision.code, code);
    QCOMPARE(decision.contentType, "application/json"_ba);
    QCOMPARE(decision.cacheControl, "no-store"_ba);
    QVERIFY(!decision.crossOrigin);
    const QJsonObject body = QJsonDocument::fromJson(decision.body).object();
    QCOMPARE(body.keys(), QStringList{u"error"_s});
    QCOMPARE(body[u"error"_s][u"code"_s].toString(), code);
    QCOMPARE(body[u"error"_s][u"message"_s].toString(), u"Because."_s);
}

// A reload: the requests decided afterwards use the new secret and origins.
void TestHandshakeGate::reconfigureSwapsSecretsAndOrigins()
{
    HandshakeGate gate(TokenVerifier(Secret1), false);
    const auto decide
        = [&](const QByteArray &head) { return gate.decide(*HandshakeRequest::parse(head)); };
    const QByteArray fromApp = "Origin: https://app.example\r\n";
    QVERIFY(decide(withToken(validToken(u"alice"_s, Secret1))).upgrade);
    QCOMPARE(decide(withToken(validToken(u"alice"_s, Secret2))).code, u"token_signature"_s);

    QString error;
    gate.reconfigure(TokenVerifier(Secret2),
                     *OriginPolicy::parse(u"https://app.example"_s, &error));
    QCOMPARE(decide(withToken(validToken(u"alice"_s, Secret1))).code, u"token_signature"_s);
    QVERIFY(decide(withToken(validToken(u"alice"_s, Secret2))).upgrade);
    QVERIFY(decide(upgrade("/ws?token=" + validToken(u"alice"_s, Secret2), fromApp)).upgrade);
    QCOMPARE(decide(upgrade("/ws?token=" + validToken(u"alice"_s, Secret2),
                            "Origin: https://evil.example\r\n"))
                 .code,
             u"origin_not_allowed"_s);
}

// decide() runs in several threads while the rules are swapped: every decision sees one
// whole set of rules, the old or the new (run under the sanitizers in CI).
void TestHandshakeGate::reconfigureWhileDecidingInOtherThreads()
{
    HandshakeGate gate(TokenVerifier(Secret1), false);
    const std::optional<HandshakeRequest> first = HandshakeRequest::parse(withToken(validToken()));
    const std::optional<HandshakeRequest> second
        = HandshakeRequest::parse(withToken(validToken(u"alice"_s, Secret2)));
    std::atomic<bool> done{false};
    std::atomic<int> wrong{0}; // decisions that are neither an upgrade nor a signature refusal
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&] {
            while (!done.load()) {
                for (const HandshakeRequest &request : {*first, *second}) {
                    const GateDecision decision = gate.decide(request);
                    if (!decision.upgrade && decision.code != u"token_signature"_s)
                        wrong.fetch_add(1);
                }
            }
        });
    }
    for (int i = 0; i < 500; ++i)
        gate.reconfigure(TokenVerifier(i % 2 ? Secret1 : Secret2), OriginPolicy());
    done.store(true);
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(wrong.load(), 0);
    QVERIFY(gate.decide(*first).upgrade); // the last swap (i = 499) put Secret1 back
    QVERIFY(!gate.decide(*second).upgrade);
}

QTEST_GUILESS_MAIN(TestHandshakeGate)
#include "tst_handshakegate.moc"
