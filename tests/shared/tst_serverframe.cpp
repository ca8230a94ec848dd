#include "serverframe.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The browser frames the server sends: every type through the server's own
// encoder and back through the decoder the tests use, and what the decoder
// refuses.
class TestServerFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void refuses_data();
    void refuses();
    void broadcastCarriesNoSeq();
};

void TestServerFrame::roundTrip_data()
{
    QTest::addColumn<ServerFrame>("frame");
    QTest::addColumn<QString>("type");

    ServerFrame welcome;
    welcome.type = ServerFrame::Type::Welcome;
    welcome.session = u"s_01"_s;
    welcome.user = u"us\u00e9r/%41"_s;
    welcome.heartbeatSeconds = 30;
    welcome.position = {u"e_9"_s, 12, 3, 9};
    QTest::newRow("welcome") << welcome << u"welcome"_s;
    welcome.heartbeatSeconds = 0.25;
    QTest::newRow("welcome, sub-second heartbeat") << welcome << u"welcome"_s;

    ServerFrame notification;
    notification.type = ServerFrame::Type::Notification;
    notification.seq = 7;
    notification.notification.id = Notification::newId();
    notification.notification.event = u"comment"_s;
    notification.notification.data = QJsonObject{{u"n"_s, 1}, {u"tags"_s, QJsonArray{u"a"_s}}};
    notification.notification.timestamp
        = QDateTime(QDate(2026, 12, 2), QTime(4, 5, 6, 789), Qt::UTC);
    QTest::newRow("notification") << notification << u"notification"_s;
    notification.notification.event.clear();
    notification.notification.data = QJsonValue::Null;
    QTest::newRow("notification without event or data") << notification << u"notification"_s;
    notification.seq = 0;
    QTest::newRow("broadcast") << notification << u"notification"_s;

    ServerFrame resumed;
    resumed.type = ServerFrame::Type::Resumed;
    resumed.ok = true;
    resumed.seq = 30;
    QTest::newRow("resumed") << resumed << u"resumed"_s;
    resumed.ok = false;
    resumed.epoch = u"e_new"_s;
    QTest::newRow("resumed over a gap") << resumed << u"resumed"_s;

    ServerFrame unread;
    unread.type = ServerFrame::Type::Unread;
    unread.count = 4;
    unread.readUpTo = 17;
    QTest::newRow("unread") << unread << u"unread"_s;

    ServerFrame error;
    error.type = ServerFrame::Type::Error;
    error.code = u"invalid_field"_s;
    error.message = u"'up_to' must be a whole number >= 0"_s;
    QTest::newRow("error") << error << u"error"_s;

    ServerFrame pong;
    pong.type = ServerFrame::Type::Pong;
    QTest::newRow("pong") << pong << u"pong"_s;
}

void TestServerFrame::roundTrip()
{
    QFETCH(ServerFrame, frame);
    QFETCH(QString, type);
    const QString text = frame.toText();
    QVERIFY2(text.startsWith(u'{'), qPrintable(text));
    QString error;
    const std::optional<ServerFrame> decoded = ServerFrame::parse(text, &error);
    QVERIFY2(decoded, qPrintable(error + u": "_s + text));
    QVERIFY2(*decoded == frame, qPrintable(text));
    QCOMPARE(decoded->toText(), text);
    QVERIFY2(text.contains(u"\"type\":\"%1\""_s.arg(type)), qPrintable(text));
}

void TestServerFrame::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    const QString ts = u"\"ts\":\"2026-12-02T04:05:06.789Z\""_s;
    QTest::newRow("not JSON") << u"{"_s << u"not a JSON object"_s;
    QTest::newRow("an array") << u"[]"_s << u"not a JSON object"_s;
    QTest::newRow("no type") << u"{}"_s << u"unknown frame type ''"_s;
    QTest::newRow("unknown type") << u"{\"type\":\"hello\"}"_s << u"unknown frame type 'hello'"_s;
    QTest::newRow("welcome without seq")
        << u"{\"type\":\"welcome\",\"session\":\"s\",\"user\":\"u\",\"heartbeat_s\":30,"
           "\"epoch\":\"e\",\"unread\":0,\"read_up_to\":0}"_s
        << u"welcome frame: 'seq' must be a whole number >= 0"_s;
    QTest::newRow("welcome with a numeric user")
        << u"{\"type\":\"welcome\",\"session\":\"s\",\"user\":7,\"heartbeat_s\":30,\"seq\":0,"
           "\"epoch\":\"e\",\"unread\":0,\"read_up_to\":0}"_s
        << u"welcome frame: 'user' must be a string"_s;
    QTest::newRow("notification with seq 0")
        << u"{\"seq\":0,\"type\":\"notification\",\"id\":\"n\",\"data\":null,%1}"_s.arg(ts)
        << u"notification frame: 'seq' must be a seq from 1, or absent (a broadcast)"_s;
    QTest::newRow("notification with a fractional seq")
        << u"{\"seq\":1.5,\"type\":\"notification\",\"id\":\"n\",\"data\":null,%1}"_s.arg(ts)
        << u"notification frame: 'seq' must be a whole number >= 0"_s;
    QTest::newRow("notification without data")
        << u"{\"seq\":1,\"type\":\"notification\",\"id\":\"n\",%1}"_s.arg(ts)
        << u"notification frame: 'data' must be present (null when the push had none)"_s;
    QTest::newRow("notification with a bad ts")
        << u"{\"seq\":1,\"type\":\"notification\",\"id\":\"n\",\"data\":1,\"ts\":\"monday\"}"_s
        << u"notification frame: 'ts' must be an RFC 3339 time"_s;
    QTest::newRow("resumed without ok")
        << u"{\"type\":\"resumed\",\"seq\":3}"_s << u"resumed frame: 'ok' must be true or false"_s;
    QTest::newRow("resumed over a gap without epoch")
        << u"{\"type\":\"resumed\",\"ok\":false,\"seq\":3}"_s
        << u"resumed frame: 'epoch' must be a string"_s;
    QTest::newRow("unread with a negative count")
        << u"{\"type\":\"unread\",\"count\":-1,\"read_up_to\":0}"_s
        << u"unread frame: 'count' must be a whole number >= 0"_s;
    QTest::newRow("error without code")
        << u"{\"type\":\"error\",\"message\":\"m\"}"_s << u"error frame: 'code' must be a string"_s;
}

void TestServerFrame::refuses()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    QString problem;
    QVERIFY(!ServerFrame::parse(text, &problem));
    QCOMPARE(problem, error);
}

// A broadcast is stored for no one: its frame has no "seq" at all.
void TestServerFrame::broadcastCarriesNoSeq()
{
    Notification notification;
    notification.id = u"n_1"_s;
    notification.timestamp = QDateTime::currentDateTimeUtc();
    const std::optional<ServerFrame> frame = ServerFrame::parse(notification.toFrame());
    QVERIFY(frame);
    QCOMPARE(frame->seq, 0);
    QVERIFY(!notification.toFrame().contains(u"\"seq\""_s));
}

QTEST_GUILESS_MAIN(TestServerFrame)
#include "tst_serverframe.moc"
