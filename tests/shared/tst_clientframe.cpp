#include "clientframe.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Herald::ClientFrame;

class TestClientFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepts_data();
    void accepts();
    void rejects_data();
    void rejects();
    void roundTrip_data();
    void roundTrip();
};

void TestClientFrame::accepts_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("read");
    QTest::addColumn<qint64>("upTo");

    QTest::newRow("ping") << u"{\"type\":\"ping\"}"_s << false << qint64(0);
    QTest::newRow("ping with extras")
        << u"{\"type\":\"ping\",\"up_to\":\"x\"}"_s << false << qint64(0);
    QTest::newRow("read") << u"{\"type\":\"read\",\"up_to\":7}"_s << true << qint64(7);
    QTest::newRow("read zero") << u"{\"up_to\":0,\"type\":\"read\"}"_s << true << qint64(0);
    QTest::newRow("read 1e3") << u"{\"type\":\"read\",\"up_to\":1e3}"_s << true << qint64(1000);
    QTest::newRow("read max") << u"{\"type\":\"read\",\"up_to\":9e15}"_s << true
                              << qint64(9000000000000000);
}

void TestClientFrame::accepts()
{
    QFETCH(QString, text);
    QFETCH(bool, read);
    QFETCH(qint64, upTo);

    const ClientFrame::Result result = ClientFrame::parse(text);
    QVERIFY(std::holds_alternative<ClientFrame>(result));
    const auto &frame = std::get<ClientFrame>(result);
    QCOMPARE(frame.type, read ? ClientFrame::Type::Read : ClientFrame::Type::Ping);
    QCOMPARE(frame.upTo, upTo);
}

void TestClientFrame::rejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("code");

    const QString json = u"invalid_json"_s, field = u"invalid_field"_s, type = u"unknown_type"_s;
    QTest::newRow("empty") << QString() << json;
    QTest::newRow("not json") << u"ping"_s << json;
    QTest::newRow("array") << u"[{\"type\":\"ping\"}]"_s << json;
    QTest::newRow("truncated") << u"{\"type\":\"ping\""_s << json;
    QTest::newRow("no type") << u"{}"_s << type;
    QTest::newRow("type number") << u"{\"type\":1}"_s << type;
    QTest::newRow("type case") << u"{\"type\":\"PING\"}"_s << type;
    QTest::newRow("hello") << u"{\"type\":\"hello\"}"_s << type;
    QTest::newRow("read no up_to") << u"{\"type\":\"read\"}"_s << field;
    QTest::newRow("read negative") << u"{\"type\":\"read\",\"up_to\":-1}"_s << field;
    QTest::newRow("read fraction") << u"{\"type\":\"read\",\"up_to\":1.5}"_s << field;
    QTest::newRow("read string") << u"{\"type\":\"read\",\"up_to\":\"3\"}"_s << field;
    QTest::newRow("read too large") << u"{\"type\":\"read\",\"up_to\":1e16}"_s << field;
    // Qt refuses numbers beyond double: the whole frame is not JSON.
    QTest::newRow("read beyond double") << u"{\"type\":\"read\",\"up_to\":1e400}"_s << json;
}

void TestClientFrame::rejects()
{
    QFETCH(QString, text);
    QFETCH(QString, code);

    const ClientFrame::Result result = ClientFrame::parse(text);
    QVERIFY(std::holds_alternative<ClientFrame::Error>(result));
    const auto &error = std::get<ClientFrame::Error>(result);
    QCOMPARE(error.code, code);
    QVERIFY(!error.message.isEmpty());
}

void TestClientFrame::roundTrip_data()
{
    QTest::addColumn<ClientFrame>("frame");
    QTest::newRow("ping") << ClientFrame::ping();
    QTest::newRow("read") << ClientFrame::read(42);
    QTest::newRow("read 0") << ClientFrame::read(0);
    QTest::newRow("read max") << ClientFrame::read(9000000000000000);
}

// What a browser sends, as the tests send it, is what the server parses.
void TestClientFrame::roundTrip()
{
    QFETCH(ClientFrame, frame);
    const ClientFrame::Result result = ClientFrame::parse(frame.toText());
    QVERIFY2(std::holds_alternative<ClientFrame>(result), qPrintable(frame.toText()));
    QCOMPARE(std::get<ClientFrame>(result), frame);
}

QTEST_APPLESS_MAIN(TestClientFrame)
#include "tst_clientframe.moc"
