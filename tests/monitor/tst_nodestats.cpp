#include "nodestats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// NodeStats: one entry of a stats frame's "nodes"; entries without a node name
// are refused, missing or non-numeric figures read as 0 or unknown.
class TestNodeStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEntry_data();
    void parsesEntry();
    void refusesEntryWithoutNode_data();
    void refusesEntryWithoutNode();
    void listsNodesOfFrame();
    void noNodesWithoutList_data();
    void noNodesWithoutList();
};

namespace {

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

void TestNodeStats::parsesEntry_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<qint64>("sessions");
    QTest::addColumn<qint64>("users");
    QTest::addColumn<double>("pushes");
    QTest::addColumn<double>("bytes");
    QTest::addColumn<qint64>("rss");
    QTest::addColumn<qint64>("uptime");

    QTest::newRow("complete") << object(R"({"node":"a:8080","sessions":120,"users":80,
        "pushes_per_s":3.0,"frames_per_s":5.0,"bytes_per_s":900.5,"rss_bytes":123456789,
        "uptime_s":3600,"notifications":10,"broadcasts":2,"frames_sent":100})")
                              << 120LL << 80LL << 3.0 << 900.5 << 123456789LL << 3600LL;
    QTest::newRow("only the name") << object(R"({"node":"a:8080"})") << 0LL << 0LL << 0.0 << 0.0
                                   << NodeStats::Unknown << NodeStats::Unknown;
    QTest::newRow("strings and nulls")
        << object(R"({"node":"a:8080","sessions":"12","users":null,
        "pushes_per_s":"fast","bytes_per_s":[],"rss_bytes":"1 GB","uptime_s":{}})")
        << 0LL << 0LL << 0.0 << 0.0 << NodeStats::Unknown << NodeStats::Unknown;
    QTest::newRow("fractional counts truncate")
        << object(R"({"node":"a:8080","sessions":12.7,"rss_bytes":1024.5,"uptime_s":0})") << 12LL
        << 0LL << 0.0 << 0.0 << 1024LL << 0LL;
}

void TestNodeStats::parsesEntry()
{
    QFETCH(QJsonObject, json);
    const std::optional<NodeStats> stats = NodeStats::fromJson(json);
    QVERIFY(stats);
    QCOMPARE(stats->node, u"a:8080"_s);
    QTEST(stats->sessions, "sessions");
    QTEST(stats->users, "users");
    QTEST(stats->pushesPerSecond, "pushes");
    QTEST(stats->bytesPerSecond, "bytes");
    QTEST(stats->rssBytes, "rss");
    QTEST(stats->uptimeSeconds, "uptime");
}

void TestNodeStats::refusesEntryWithoutNode_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::newRow("empty object") << QJsonObject();
    QTest::newRow("no node") << object(R"({"sessions":3,"users":2})");
    QTest::newRow("empty node") << object(R"({"node":"","sessions":3})");
    QTest::newRow("numeric node") << object(R"({"node":8080,"sessions":3})");
    QTest::newRow("null node") << object(R"({"node":null,"sessions":3})");
    QTest::newRow("object node") << object(R"({"node":{"name":"a"},"sessions":3})");
}

void TestNodeStats::refusesEntryWithoutNode()
{
    QFETCH(QJsonObject, json);
    QVERIFY(!NodeStats::fromJson(json));
}

void TestNodeStats::listsNodesOfFrame()
{
    // Out of order, a duplicate (the later wins), a refused entry and a non-object.
    const QJsonObject others = object(R"({"node":"b:8080","nodes":[
        {"node":"c:8080","sessions":3},
        {"node":"a:8080","sessions":1},
        {"sessions":99},
        "garbage",
        {"node":"b:8080","sessions":2},
        {"node":"a:8080","sessions":11}]})");
    const QList<NodeStats> nodes = NodeStats::listFromStats(others);
    QCOMPARE(nodes.size(), 3);
    QCOMPARE(nodes.at(0).node, u"a:8080"_s);
    QCOMPARE(nodes.at(0).sessions, 11);
    QCOMPARE(nodes.at(1).node, u"b:8080"_s);
    QCOMPARE(nodes.at(2).node, u"c:8080"_s);
    QCOMPARE(nodes.at(2).sessions, 3);
}

void TestNodeStats::noNodesWithoutList_data()
{
    QTest::addColumn<QJsonObject>("others");
    QTest::newRow("single node") << QJsonObject();
    QTest::newRow("nodes not a list") << object(R"({"node":"a:8080","nodes":{"node":"a:8080"}})");
    QTest::newRow("empty list") << object(R"({"node":"a:8080","nodes":[]})");
    QTest::newRow("only refused entries") << object(R"({"nodes":[{"sessions":1},{"node":""}]})");
}

void TestNodeStats::noNodesWithoutList()
{
    QFETCH(QJsonObject, others);
    QVERIFY(NodeStats::listFromStats(others).isEmpty());
}

QTEST_GUILESS_MAIN(TestNodeStats)
#include "tst_nodestats.moc"
