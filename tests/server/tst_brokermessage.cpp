#include "broker/brokermessage.h"
#include "broker/channelmap.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald; // The two halves of what crosses the broker: the channels a user's messages
                        // travel on
// (the same names the Lua scripts build) and the messages the scripts publish.
class TestBrokerMessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void channelsAreNamedByUser();
    void parse_data();
    void parse();
};

void TestBrokerMessage::channelsAreNamedByUser()
{
    const ChannelMap channels("herald:");
    QCOMPARE(channels.userChannel(u"alice"_s), "herald:user:alice");
    QCOMPARE(channels.userChannel(u"ü:1"_s), "herald:user:\xc3\xbc:1");
    QCOMPARE(channels.broadcastChannel(), "herald:broadcast");
    QVERIFY(channels.isUserChannel("herald:user:alice"));
    QVERIFY(!channels.isUserChannel("herald:user:"));
    QVERIFY(!channels.isUserChannel("herald:broadcast"));
    QVERIFY(!channels.isUserChannel("other:user:alice"));
    QVERIFY(!channels.isUserChannel("herald:admin"));
    // A push to many users travels once on the broadcast channel.
    QVERIFY(!ChannelMap::routesPerUser(0));
    QVERIFY(ChannelMap::routesPerUser(1));
    QVERIFY(ChannelMap::routesPerUser(ChannelMap::RoutedUsersMax));
    QVERIFY(!ChannelMap::routesPerUser(ChannelMap::RoutedUsersMax + 1));
}

void TestBrokerMessage::parse_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("expected"); // "none", "c:<frame>:<user>=<seq>,..." or "r:..."

    QTest::newRow("committed") << QByteArray(
        R"({"f":"{\"type\":\"notification\"}","t":[["a",1],["b",7]]})")
                               << u"c:{\"type\":\"notification\"}:a=1,b=7"_s;
    QTest::newRow("cjson escapes slashes")
        << QByteArray(R"({"f":"x\/y","t":[["u\/1",2]]})") << u"c:x/y:u/1=2"_s;
    QTest::newRow("read moved") << QByteArray(R"({"u":"a","l":9,"c":4,"n":5,"o":1})")
                                << u"r:a:9/4/5/1"_s;
    QTest::newRow("live") << BrokerMessage::live(u"fr"_s, {u"a"_s, u"b"_s}).toBytes()
                          << u"l:fr:a,b"_s;
    QTest::newRow("live broadcast") << BrokerMessage::live(u"fr"_s, {}).toBytes() << u"l:fr:"_s;
    QTest::newRow("live empty user") << QByteArray(R"({"f":"x","v":[""]})") << u"none"_s;
    QTest::newRow("no targets") << QByteArray(R"({"f":"x","t":{}})") << u"none"_s;
    QTest::newRow("bad target") << QByteArray(R"({"f":"x","t":[["a"]]})") << u"none"_s;
    QTest::newRow("seq as string") << QByteArray(R"({"f":"x","t":[["a","1"]]})") << u"none"_s;
    QTest::newRow("empty user") << QByteArray(R"({"u":"","l":1})") << u"none"_s;
    QTest::newRow("foreign") << QByteArray("hello") << u"none"_s;
    QTest::newRow("other object") << QByteArray(R"({"x":1})") << u"none"_s;
}

void TestBrokerMessage::parse()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, expected);
    const std::optional<BrokerMessage> message = BrokerMessage::parse(payload);
    QString actual = u"none"_s;
    if (message && message->kind == BrokerMessage::Kind::Live) {
        actual = u"l:%1:%2"_s.arg(message->frame, message->users.join(u','));
    } else if (message && message->kind == BrokerMessage::Kind::Committed) {
        QStringList targets;
        for (const auto &[user, seq] : message->targets)
            targets << u"%1=%2"_s.arg(user).arg(seq);
        actual = u"c:%1:%2"_s.arg(message->frame, targets.join(u','));
    } else if (message) {
        const UserState &s = message->state;
        actual = u"r:%1:%2/%3/%4/%5"_s.arg(message->user)
                     .arg(s.lastSeq)
                     .arg(s.readCursor)
                     .arg(s.unread)
                     .arg(s.oldestSeq);
    }
    QCOMPARE(actual, expected);
}

QTEST_GUILESS_MAIN(TestBrokerMessage)
#include "tst_brokermessage.moc"
