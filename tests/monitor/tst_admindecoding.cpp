#include "admin/adminevent.h"
#include "admin/adminhello.h"
#include "admin/adminsessionrecord.h"
#include "commandresult.h"
#include "statssample.h"

#include <QJsonDocument>
#include <QTest>

#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The admin protocol's frame decoders: good frames, and every kind of bad one.
class TestAdminDecoding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void session();
    void badSession_data();
    void badSession();
    void sessionCounters_data();
    void sessionCounters();
    void newestCounters();
    void sessionEvents();
    void notificationEvent();
    void unknownOrBrokenEvents_data();
    void unknownOrBrokenEvents();
    void stats();
    void hello();
    void results_data();
    void results();
};

static QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

void TestAdminDecoding::session()
{
    const auto session = AdminSessionRecord::fromJson(json(R"({"id":"s_1","user":"42",
        "remote_address":"10.0.0.7","user_agent":"Firefox","connected_at":"2026-01-02T03:04:05.678Z"})"));
    QVERIFY(session);
    QCOMPARE(session->id, u"s_1"_s);
    QCOMPARE(session->user, u"42"_s);
    QCOMPARE(session->remoteAddress, u"10.0.0.7"_s);
    QCOMPARE(session->userAgent, u"Firefox"_s);
    QCOMPARE(session->connectedAt, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 678), Qt::UTC));
    QCOMPARE(AdminSessionRecord::fromJson(session->toJson()), session);
    QVERIFY(!session->counters.framesSent && !session->counters.lastPongAt);
}

void TestAdminDecoding::badSession_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("no user") << QByteArray(R"({"id":"s_1"})");
    QTest::newRow("no id") << QByteArray(R"({"user":"a"})");
    QTest::newRow("numeric id") << QByteArray(R"({"id":1,"user":"a"})");
    QTest::newRow("empty user") << QByteArray(R"({"id":"s_1","user":""})");
    QTest::newRow("null user") << QByteArray(R"({"id":"s_1","user":null})");
}

void TestAdminDecoding::badSession()
{
    QFETCH(QByteArray, text);
    QVERIFY(!AdminSessionRecord::fromJson(QJsonDocument::fromJson(text).object()));
}

using OptionalCount = std::optional<qint64>;
using OptionalTime = std::optional<QDateTime>;

// Absent, null and malformed counters: an older server must keep working.
void TestAdminDecoding::sessionCounters_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<OptionalCount>("framesSent");
    QTest::addColumn<OptionalTime>("lastPongAt");
    const QDateTime pong(QDate(2026, 1, 2), QTime(3, 4, 5, 678), Qt::UTC);
    QTest::newRow("both") << QByteArray(
        R"("frames_sent":42,"last_pong_at":"2026-01-02T03:04:05.678Z")")
                          << OptionalCount(42) << OptionalTime(pong);
    QTest::newRow("no pong yet") << QByteArray(R"("frames_sent":1,"last_pong_at":null)")
                                 << OptionalCount(1) << OptionalTime(QDateTime());
    QTest::newRow("older server") << QByteArray() << OptionalCount() << OptionalTime();
    QTest::newRow("zero frames") << QByteArray(R"("frames_sent":0)") << OptionalCount(0)
                                 << OptionalTime();
    QTest::newRow("frames as string")
        << QByteArray(R"("frames_sent":"42")") << OptionalCount() << OptionalTime();
    QTest::newRow("negative frames")
        << QByteArray(R"("frames_sent":-1)") << OptionalCount() << OptionalTime();
    QTest::newRow("pong not a time")
        << QByteArray(R"("last_pong_at":"yesterday")") << OptionalCount() << OptionalTime();
    QTest::newRow("pong a number")
        << QByteArray(R"("last_pong_at":1700000000)") << OptionalCount() << OptionalTime();
    QTest::newRow("pong with offset")
        << QByteArray(R"("last_pong_at":"2026-01-02T05:04:05.678+02:00")") << OptionalCount()
        << OptionalTime(pong);
    // Found by fuzz_admin: times past 9999 in UTC decoded, but could not be written back.
    QTest::newRow("pong past 9999 in UTC")
        << QByteArray(R"("last_pong_at":"9999-12-31T23:59:59.999-05:00")") << OptionalCount()
        << OptionalTime();
    QTest::newRow("connected past 9999 in UTC")
        << QByteArray(R"("connected_at":"9999-12-31T23:00:00-01:00")") << OptionalCount()
        << OptionalTime();
}

void TestAdminDecoding::sessionCounters()
{
    QFETCH(QByteArray, fields);
    QByteArray text = R"({"id":"s_1","user":"a")";
    if (!fields.isEmpty())
        text += ',' + fields;
    const auto session = AdminSessionRecord::fromJson(QJsonDocument::fromJson(text + '}').object());
    QVERIFY(session);
    QTEST(session->counters.framesSent, "framesSent");
    QTEST(session->counters.lastPongAt, "lastPongAt");
    if (session->counters.lastPongAt && session->counters.lastPongAt->isValid())
        QCOMPARE(session->counters.lastPongAt->timeSpec(), Qt::UTC);
    // What decodes encodes back to the same thing, unknown fields left out.
    QCOMPARE(AdminSessionRecord::fromJson(session->toJson()), session);
    QCOMPARE(session->toJson().contains(u"frames_sent"_s), bool(session->counters.framesSent));
}

void TestAdminDecoding::newestCounters()
{
    const QDateTime early = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    const AdminSessionCounters unknown;
    const AdminSessionCounters none{5, QDateTime()};
    const AdminSessionCounters later{9, early.addSecs(30)};
    QCOMPARE(unknown.newest(none), none);
    QCOMPARE(none.newest(unknown), none);
    QCOMPARE(none.newest(later), later);
    QCOMPARE(later.newest(none), later); // a late "no pong yet" does not erase a pong
    const AdminSessionCounters mixed = AdminSessionCounters{12, early}.newest(later);
    QCOMPARE(mixed.framesSent, OptionalCount(12));
    QCOMPARE(mixed.lastPongAt, OptionalTime(early.addSecs(30)));
}

void TestAdminDecoding::sessionEvents()
{
    const auto opened = AdminEvent::fromJson(
        json(R"({"type":"session_opened","session":{"id":"s_1","user":"a"}})"));
    QVERIFY(opened);
    QCOMPARE(opened->kind, AdminEvent::Kind::SessionOpened);
    QCOMPARE(opened->session.id, u"s_1"_s);
    const auto closed = AdminEvent::fromJson(json(R"({"type":"session_closed",
        "session":{"id":"s_1","user":"a"},"code":1001,"reason":"going away"})"));
    QVERIFY(closed);
    QCOMPARE(closed->kind, AdminEvent::Kind::SessionClosed);
    QCOMPARE(closed->closeCode, 1001);
    QCOMPARE(closed->closeReason, u"going away"_s);
}

void TestAdminDecoding::notificationEvent()
{
    const auto push = AdminEvent::fromJson(json(R"({"type":"notification","id":"n_1",
        "event":"msg","users":["a","b"],"user_count":250,"payload_bytes":12,"sessions":3,"stored":true})"));
    QVERIFY(push);
    QCOMPARE(push->kind, AdminEvent::Kind::Notification);
    QCOMPARE(push->users, (QStringList{u"a"_s, u"b"_s}));
    QCOMPARE(push->userCount, 250);
    QCOMPARE(push->payloadBytes, 12);
    QCOMPARE(push->sessionsReached, 3);
    QVERIFY(push->stored && !push->broadcast);
    const auto broadcast = AdminEvent::fromJson(
        json(R"({"type":"notification","id":"n_2","broadcast":true,"sessions":9})"));
    QVERIFY(broadcast && broadcast->broadcast);
    QCOMPARE(broadcast->userCount, 0);
    const auto overflow = AdminEvent::fromJson(json(R"({"type":"overflow","dropped":12345})"));
    QVERIFY(overflow);
    QCOMPARE(overflow->dropped, 12345);
}

void TestAdminDecoding::unknownOrBrokenEvents_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("no type") << QByteArray(R"({"session":{"id":"s","user":"u"}})");
    QTest::newRow("unknown type") << QByteArray(R"({"type":"session_renamed"})");
    QTest::newRow("opened, no session") << QByteArray(R"({"type":"session_opened"})");
    QTest::newRow("closed, bad session")
        << QByteArray(R"({"type":"session_closed","session":{"id":"s"}})");
    QTest::newRow("session not an object")
        << QByteArray(R"({"type":"session_opened","session":1})");
}

void TestAdminDecoding::unknownOrBrokenEvents()
{
    QFETCH(QByteArray, text);
    QVERIFY(!AdminEvent::fromJson(QJsonDocument::fromJson(text).object()));
}

void TestAdminDecoding::stats()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto sample = StatsSample::fromJson(json(R"({"type":"stats","sessions":7,"users":3,
        "pushes_per_s":2.5,"frames_per_s":10,"bytes_per_s":900,"notifications":40,"broadcasts":1,
        "frames_sent":123,"heartbeat_reaps":2,"rss_bytes":1048576,"uptime_s":61})"),
                                              now);
    QVERIFY(sample);
    QCOMPARE(sample->receivedAt, now);
    QCOMPARE(sample->sessions, 7);
    QCOMPARE(sample->pushesPerSecond, 2.5);
    QCOMPARE(sample->framesPerSecond, 10.0);
    QCOMPARE(sample->framesSent, 123);
    QCOMPARE(sample->rssBytes, 1048576);
    QCOMPARE(sample->uptimeSeconds, 61);
    QVERIFY(!StatsSample::fromJson(json(R"({"type":"stats"})"), now));
    QVERIFY(!StatsSample::fromJson(json(R"({"sessions":"7"})"), now));
}

void TestAdminDecoding::hello()
{
    const auto hello = AdminHello::fromJson(json(R"({"type":"hello","server":"herald-server",
        "version":"0.1.0","epoch":1234,"heartbeat_s":30,"store":"sqlite"})"));
    QVERIFY(hello);
    QCOMPARE(hello->server, u"herald-server"_s);
    QCOMPARE(hello->epoch, u"1234"_s);
    QCOMPARE(hello->heartbeatSeconds, 30.0);
    QCOMPARE(hello->store, u"sqlite"_s);
    QVERIFY(!AdminHello::fromJson(json(R"({"type":"stats"})")));
}

void TestAdminDecoding::results_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("decodes");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("errorCode");
    QTest::newRow("ok") << QByteArray(
        R"({"type":"result","id":3,"ok":true,"result":{"sessions":2}})")
                        << true << true << QString();
    QTest::newRow("error") << QByteArray(R"({"type":"result","id":4,"ok":false,
        "error":{"code":"not_found","message":"no such session"}})")
                           << true << false << u"not_found"_s;
    QTest::newRow("error without code") << QByteArray(R"({"type":"result","id":4,"ok":false})")
                                        << true << false << u"unknown_error"_s;
    QTest::newRow("string id") << QByteArray(R"({"type":"result","id":"x","ok":true})") << false
                               << false << QString();
    QTest::newRow("no id") << QByteArray(R"({"type":"result","ok":true})") << false << false
                           << QString();
    QTest::newRow("not a result") << QByteArray(R"({"type":"error","id":1})") << false << false
                                  << QString();
}

void TestAdminDecoding::results()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, decodes);
    const auto result = CommandResult::fromJson(QJsonDocument::fromJson(text).object());
    QCOMPARE(bool(result), decodes);
    if (!result)
        return;
    QTEST(result->ok, "ok");
    QTEST(result->errorCode, "errorCode");
}

QTEST_GUILESS_MAIN(TestAdminDecoding)
#include "tst_admindecoding.moc"
