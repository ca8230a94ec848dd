#include "admin/admincommand.h"
#include "admin/admincommandresult.h"
#include "admin/admincountersbatch.h"
#include "admin/adminerror.h"
#include "admin/adminevent.h"
#include "admin/admineventbatch.h"
#include "admin/adminhello.h"
#include "admin/adminsessionrecord.h"
#include "admin/adminsnapshotbatch.h"
#include "admin/adminstats.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// Every admin frame (docs/admin-protocol.md) decodes, encodes back to the very
// same JSON (the wire format) and decodes again to an equal value; malformed
// frames are refused with a reason.
class TestAdminProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void refuses_data();
    void refuses();
};

namespace {

template<typename T> void checkRoundTrip(const QJsonObject &json)
{
    QString error;
    const std::optional<T> decoded = T::fromJson(json, &error);
    QVERIFY2(decoded, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(decoded->toJson(), json);
    QCOMPARE(T::fromJson(decoded->toJson()), decoded);
}

template<typename T> void checkRefusal(const QJsonObject &json)
{
    QString error;
    QVERIFY(!T::fromJson(json, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!T::fromJson(json)); // no error string wanted
}

struct Codec
{
    void (*roundTrip)(const QJsonObject &);
    void (*refusal)(const QJsonObject &);
};

template<typename T> Codec codec()
{
    return {&checkRoundTrip<T>, &checkRefusal<T>};
}

Codec codecFor(const QString &frame)
{
    if (frame == u"hello"_s)
        return codec<AdminHello>();
    if (frame == u"snapshot"_s)
        return codec<AdminSnapshotBatch>();
    if (frame == u"session"_s)
        return codec<AdminSessionRecord>();
    if (frame == u"events"_s)
        return codec<AdminEventBatch>();
    if (frame == u"event"_s)
        return codec<AdminEvent>();
    if (frame == u"stats"_s)
        return codec<AdminStats>();
    if (frame == u"session_counters"_s)
        return codec<AdminCountersBatch>();
    if (frame == u"command"_s)
        return codec<AdminCommand>();
    if (frame == u"result"_s)
        return codec<AdminCommandResult>();
    if (frame == u"error"_s)
        return codec<AdminError>();
    return {nullptr, nullptr};
}

QJsonObject object(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "bad test row:" << error.errorString();
    return document.object();
}

const QByteArray Session = R"({"id":"s_1","user":"42","remote_address":"10.0.0.7",
    "user_agent":"Firefox","connected_at":"2026-01-02T03:04:05.678Z","frames_sent":12,
    "last_pong_at":"2026-01-02T03:05:05.000Z"})";
const QByteArray NoPongSession = R"({"id":"s_2","user":"7","remote_address":"",
    "user_agent":"","connected_at":"2026-01-02T03:04:05.000Z","frames_sent":0,
    "last_pong_at":null})";
// A server older than the counters.
const QByteArray OldSession = R"({"id":"s_3","user":"7","remote_address":"::1",
    "user_agent":"curl","connected_at":""})";

} // namespace

void TestAdminProtocol::roundTrip_data()
{
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("hello") << u"hello"_s << QByteArray(R"({"type":"hello","server":"herald-server",
        "version":"0.1.0","epoch":"3f2a","heartbeat_s":30,"store":"sqlite"})");
    QTest::newRow("hello, fractional heartbeat")
        << u"hello"_s << QByteArray(R"({"type":"hello","server":"x",
        "version":"","epoch":"","heartbeat_s":1.5,"store":"memory"})");
    QTest::newRow("session") << u"session"_s << Session;
    QTest::newRow("session, no pong yet") << u"session"_s << NoPongSession;
    QTest::newRow("session, older server") << u"session"_s << OldSession;
    QTest::newRow("snapshot, empty")
        << u"snapshot"_s
        << QByteArray(R"({"type":"snapshot","sessions":[],"total":0,"done":true})");
    QTest::newRow("snapshot") << u"snapshot"_s
                              << R"({"type":"snapshot","sessions":[)" + Session + ','
            + NoPongSession + ',' + OldSession + R"(],"total":2500,"done":false})";
    QTest::newRow("session_opened")
        << u"event"_s << R"({"type":"session_opened","session":)" + Session + '}';
    QTest::newRow("session_closed") << u"event"_s
                                    << R"({"type":"session_closed","code":1001,
        "reason":"going away","session":)"
            + NoPongSession + '}';
    QTest::newRow("notification") << u"event"_s << QByteArray(R"({"type":"notification","id":"n_1",
        "event":"msg","users":["a","b"],"user_count":250,"payload_bytes":12,"sessions":3,
        "stored":true})");
    QTest::newRow("broadcast") << u"event"_s
                               << QByteArray(R"({"type":"notification","id":"n_2","event":"",
        "broadcast":true,"payload_bytes":0,"sessions":9,"stored":false})");
    QTest::newRow("overflow") << u"event"_s << QByteArray(R"({"type":"overflow","dropped":12345})");
    QTest::newRow("events") << u"events"_s
                            << R"({"type":"events","events":[{"type":"overflow","dropped":1},
        {"type":"session_opened","session":)"
            + OldSession + "}]}";
    QTest::newRow("events, none") << u"events"_s << QByteArray(R"({"type":"events","events":[]})");
    QTest::newRow("stats") << u"stats"_s << QByteArray(R"({"type":"stats","sessions":7,"users":3,
        "pushes_per_s":2.5,"frames_per_s":10,"bytes_per_s":900.25,"notifications":40,
        "broadcasts":1,"frames_sent":123,"heartbeat_reaps":2,"rss_bytes":1048576,"uptime_s":61,
        "ts":"2026-01-02T03:04:05.678Z","bytes_sent":4567,"store_errors":0})");
    QTest::newRow("stats, no ts") << u"stats"_s
                                  << QByteArray(R"({"type":"stats","sessions":0,"users":0,
        "pushes_per_s":0,"frames_per_s":0,"bytes_per_s":0,"notifications":0,"broadcasts":0,
        "frames_sent":0,"heartbeat_reaps":0,"rss_bytes":0,"uptime_s":0})");
    QTest::newRow("session_counters")
        << u"session_counters"_s << QByteArray(R"({"type":"session_counters","sessions":[
        {"id":"s_1","frames_sent":5,"last_pong_at":null},
        {"id":"s_2","frames_sent":9,"last_pong_at":"2026-01-02T03:04:05.678Z"},
        {"id":"s_3"}]})");
    QTest::newRow("command, notify")
        << u"command"_s << QByteArray(R"({"type":"command","id":1,"command":"notify",
        "users":["a"],"event":"msg","data":{"text":"hi"},"store":false})");
    QTest::newRow("command, string id")
        << u"command"_s << QByteArray(R"({"type":"command","id":"x-1","command":"resync"})");
    QTest::newRow("result, ok") << u"result"_s << QByteArray(R"({"type":"result","id":3,"ok":true,
        "result":{"session":"s_1","disconnected":1}})");
    QTest::newRow("result, error")
        << u"result"_s << QByteArray(R"({"type":"result","id":"x","ok":false,
        "error":{"code":"not_found","message":"No live session 's_9'"}})");
    QTest::newRow("result, null id")
        << u"result"_s << QByteArray(R"({"type":"result","id":null,"ok":false,
        "error":{"code":"unknown_command","message":"Unknown command ''"}})");
    QTest::newRow("error") << u"error"_s << QByteArray(R"({"type":"error","code":"invalid_frame",
        "message":"Expected a JSON object of type command"})");
}

void TestAdminProtocol::roundTrip()
{
    QFETCH(QString, frame);
    QFETCH(QByteArray, text);
    const Codec codec = codecFor(frame);
    QVERIFY(codec.roundTrip);
    const QJsonObject json = object(text);
    QVERIFY(!json.isEmpty());
    codec.roundTrip(json);
}

void TestAdminProtocol::refuses_data()
{
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("hello: no type") << u"hello"_s << QByteArray(R"({"server":"herald-server"})");
    QTest::newRow("hello: other type") << u"hello"_s << QByteArray(R"({"type":"stats"})");
    QTest::newRow("session: empty") << u"session"_s << QByteArray("{}");
    QTest::newRow("session: no user") << u"session"_s << QByteArray(R"({"id":"s_1"})");
    QTest::newRow("session: numeric id") << u"session"_s << QByteArray(R"({"id":1,"user":"a"})");
    QTest::newRow("session: empty user") << u"session"_s << QByteArray(R"({"id":"s_1","user":""})");
    QTest::newRow("session: null user")
        << u"session"_s << QByteArray(R"({"id":"s_1","user":null})");
    QTest::newRow("snapshot: other type")
        << u"snapshot"_s << QByteArray(R"({"type":"events","sessions":[]})");
    QTest::newRow("event: no type")
        << u"event"_s << QByteArray(R"({"session":{"id":"s","user":"u"}})");
    QTest::newRow("event: unknown type")
        << u"event"_s << QByteArray(R"({"type":"session_renamed"})");
    QTest::newRow("event: opened, no session")
        << u"event"_s << QByteArray(R"({"type":"session_opened"})");
    QTest::newRow("event: closed, bad session")
        << u"event"_s << QByteArray(R"({"type":"session_closed","session":{"id":"s"}})");
    QTest::newRow("event: session not an object")
        << u"event"_s << QByteArray(R"({"type":"session_opened","session":1})");
    QTest::newRow("events: other type")
        << u"events"_s << QByteArray(R"({"type":"snapshot","events":[]})");
    QTest::newRow("stats: no figures") << u"stats"_s << QByteArray(R"({"type":"stats"})");
    QTest::newRow("stats: sessions as string") << u"stats"_s << QByteArray(R"({"sessions":"7"})");
    QTest::newRow("session_counters: other type")
        << u"session_counters"_s << QByteArray(R"({"type":"counters","sessions":[]})");
    QTest::newRow("command: no type")
        << u"command"_s << QByteArray(R"({"id":1,"command":"resync"})");
    QTest::newRow("command: type not a string")
        << u"command"_s << QByteArray(R"({"type":1,"id":1,"command":"resync"})");
    QTest::newRow("result: no id") << u"result"_s << QByteArray(R"({"type":"result","ok":true})");
    QTest::newRow("result: other type") << u"result"_s << QByteArray(R"({"type":"error","id":1})");
    QTest::newRow("error: other type")
        << u"error"_s << QByteArray(R"({"type":"result","code":"x"})");
}

void TestAdminProtocol::refuses()
{
    QFETCH(QString, frame);
    QFETCH(QByteArray, text);
    const Codec codec = codecFor(frame);
    QVERIFY(codec.refusal);
    codec.refusal(object(text));
}

QTEST_GUILESS_MAIN(TestAdminProtocol)
#include "tst_adminprotocol.moc"
