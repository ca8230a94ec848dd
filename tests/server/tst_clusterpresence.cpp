#include "clusterfixture.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int WaitMs = ClusterFixture::WaitMs;
constexpr int Nodes = 3;
constexpr int ShortHeartbeatS = 2; // deadNodeLeavesWithinTtl only: TTL = 3 x heartbeat_s
constexpr int KickCloseCode = 4003; // as a kick on the session's own node

// "<session id>@<node>" of each session in a presence answer, sorted.
QStringList placed(const QJsonObject &answer)
{
    QStringList out;
    for (const QJsonValue &session : answer.value(u"sessions"_s).toArray()) {
        const QJsonObject object = session.toObject();
        out.append(object.value(u"id"_s).toString() + u'@' + object.value(u"node"_s).toString());
    }
    out.sort();
    return out;
}

QString at(const WsClient &client, int node)
{
    return client.sessionId() + u'@' + ClusterFixture::nodeName(node);
}

} // namespace

// Presence across the nodes of a cluster (README "Running several nodes"): three real
// herald-server nodes on one real Redis; each node's presence routes answer for every
// node, name each session's node, and kick a session wherever it lives.
class TestClusterPresence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void sessionsOfEveryNodeListed();
    void userSessionsAcrossNodes();
    void statsHaveClusterTotalsAndNodes();
    void kickOnAnotherNode();
    void kickUserOnEveryNode();
    void deadNodeLeavesWithinTtl();
    void errors();
    void brokerDownAnswers503();

private:
    std::unique_ptr<WsClient> connect(int node, const QString &user)
    {
        return m_cluster->connect(node, user);
    }
    ApiClient &api(int node) { return m_cluster->api(node); }
    QStringList sessionsSeenBy(int node);

    std::unique_ptr<ClusterFixture> m_cluster;
};

void TestClusterPresence::init()
{
    const bool shortHeartbeat
        = QByteArray(QTest::currentTestFunction()) == "deadNodeLeavesWithinTtl";
    QStringList args;
    if (shortHeartbeat)
        args << u"--heartbeat-s"_s << QString::number(ShortHeartbeatS);
    m_cluster = std::make_unique<ClusterFixture>();
    QString error;
    QVERIFY2(m_cluster->start(Nodes, &error, args), qPrintable(error));
}

void TestClusterPresence::cleanup()
{
    m_cluster.reset();
}

QStringList TestClusterPresence::sessionsSeenBy(int node)
{
    return placed(api(node).get(u"/api/v1/sessions"_s).json());
}

void TestClusterPresence::sessionsOfEveryNodeListed()
{
    const auto onB = connect(1, u"alice"_s);
    const auto onC = connect(2, u"bob"_s);
    const auto alsoOnC = connect(2, u"carol"_s);
    QVERIFY(onB && onC && alsoOnC);
    QStringList expected{at(*onB, 1), at(*onC, 2), at(*alsoOnC, 2)};
    expected.sort();
    for (int node = 0; node < Nodes; ++node)
        QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(node), expected, WaitMs);

    const QJsonObject page = api(0).get(u"/api/v1/sessions?limit=2&offset=1"_s).json();
    QCOMPARE(page.value(u"total"_s).toInt(), 3);
    QCOMPARE(page.value(u"sessions"_s).toArray().size(), 2);
    const QJsonObject bob = api(0).get(u"/api/v1/sessions/"_s + onC->sessionId()).json();
    QCOMPARE(bob.value(u"user"_s).toString(), u"bob"_s);
    QCOMPARE(bob.value(u"node"_s).toString(), ClusterFixture::nodeName(2));
    QCOMPARE(bob.value(u"remote_address"_s).toString(), u"127.0.0.1"_s);
}

void TestClusterPresence::userSessionsAcrossNodes()
{
    const auto onA = connect(0, u"dave"_s);
    const auto onB = connect(1, u"dave"_s);
    const auto onC = connect(2, u"dave"_s);
    const auto other = connect(2, u"erin"_s);
    QVERIFY(onA && onB && onC && other);
    QStringList expected{at(*onA, 0), at(*onB, 1), at(*onC, 2)};
    expected.sort();
    QTRY_COMPARE_WITH_TIMEOUT(placed(api(1).get(u"/api/v1/users/dave/sessions"_s).json()), expected,
                              WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(placed(api(0).get(u"/api/v1/users/erin/sessions"_s).json()),
                              QStringList{at(*other, 2)}, WaitMs);
    QCOMPARE(api(0).get(u"/api/v1/users/nobody/sessions"_s).json().value(u"sessions"_s),
             QJsonValue(QJsonArray()));
}

void TestClusterPresence::statsHaveClusterTotalsAndNodes()
{
    const auto a1 = connect(0, u"frank"_s);
    const auto b1 = connect(1, u"frank"_s);
    const auto b2 = connect(1, u"grace"_s);
    QVERIFY(a1 && b1 && b2);
    QTRY_COMPARE_WITH_TIMEOUT(api(2).get(u"/api/v1/stats"_s).json().value(u"sessions"_s).toInt(), 3,
                              WaitMs);
    const QJsonObject stats = api(2).get(u"/api/v1/stats"_s).json();
    QCOMPARE(stats.value(u"users"_s).toInt(), 2);
    QCOMPARE(stats.value(u"node"_s).toString(), ClusterFixture::nodeName(2));
    QStringList perNode;
    for (const QJsonValue &node : stats.value(u"nodes"_s).toArray()) {
        const QJsonObject object = node.toObject();
        QVERIFY(object.contains(u"uptime_s"_s));
        perNode.append(u"%1:%2/%3"_s.arg(object.value(u"node"_s).toString())
                           .arg(object.value(u"sessions"_s).toInt())
                           .arg(object.value(u"users"_s).toInt()));
    }
    QCOMPARE(perNode, (QStringList{u"node-a:1/1"_s, u"node-b:2/2"_s, u"node-c:0/0"_s}));
}

void TestClusterPresence::kickOnAnotherNode()
{
    const auto victim = connect(2, u"heidi"_s);
    const auto bystander = connect(2, u"heidi"_s);
    QVERIFY(victim && bystander);
    QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(0).size(), 2, WaitMs);

    const ApiClient::Reply kick = api(0).del(u"/api/v1/sessions/"_s + victim->sessionId());
    QCOMPARE(kick.status, 200);
    QCOMPARE(kick.json().value(u"node"_s).toString(), ClusterFixture::nodeName(2));
    QCOMPARE(kick.json().value(u"disconnected"_s).toInt(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(victim->isClosed(), WaitMs);
    QCOMPARE(victim->closeCode(), KickCloseCode);
    for (int node = 0; node < Nodes; ++node)
        QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(node), QStringList{at(*bystander, 2)}, WaitMs);
    QVERIFY(bystander->isConnected());
    // Gone: a second kick finds it nowhere.
    QCOMPARE(api(1).del(u"/api/v1/sessions/"_s + victim->sessionId()).status, 404);
}

void TestClusterPresence::kickUserOnEveryNode()
{
    const auto onB = connect(1, u"ivan"_s);
    const auto onC = connect(2, u"ivan"_s);
    const auto other = connect(2, u"judy"_s);
    QVERIFY(onB && onC && other);
    QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(0).size(), 3, WaitMs);

    const ApiClient::Reply kick = api(0).del(u"/api/v1/users/ivan/sessions"_s);
    QCOMPARE(kick.status, 200);
    QCOMPARE(kick.json().value(u"disconnected"_s).toInt(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(onB->isClosed() && onC->isClosed(), WaitMs);
    QCOMPARE(onB->closeCode(), KickCloseCode);
    QCOMPARE(onC->closeCode(), KickCloseCode);
    QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(0), QStringList{at(*other, 2)}, WaitMs);
}

// SIGKILL: the node unregisters nothing; its registry entries expire with their TTL.
void TestClusterPresence::deadNodeLeavesWithinTtl()
{
    const auto onA = connect(0, u"ken"_s);
    std::vector<std::unique_ptr<WsClient>> onC;
    for (int i = 0; i < 3; ++i) {
        onC.push_back(connect(2, u"ken%1"_s.arg(i)));
        QVERIFY(onC.back());
    }
    QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(1).size(), 4, WaitMs);

    QElapsedTimer sinceKill;
    sinceKill.start();
    m_cluster->node(2).kill();
    QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(1), QStringList{at(*onA, 0)}, WaitMs);
    const qint64 ttlMs = 3 * ShortHeartbeatS * 1000;
    // Within one TTL of its last beat; the polling and a busy machine add a little.
    QVERIFY2(sinceKill.elapsed() <= ttlMs + 2000, qPrintable(QString::number(sinceKill.elapsed())));
    const QJsonArray nodes = api(0).get(u"/api/v1/stats"_s).json().value(u"nodes"_s).toArray();
    QCOMPARE(nodes.size(), 2);
    QCOMPARE(api(0).del(u"/api/v1/sessions/"_s + onC.front()->sessionId()).status, 404);
}

void TestClusterPresence::errors()
{
    const ApiClient::Reply unknown = api(0).del(u"/api/v1/sessions/s_nope"_s);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), u"not_found"_s);
    QCOMPARE(api(0).get(u"/api/v1/sessions/s_nope"_s).status, 404);
    QCOMPARE(api(0).get(u"/api/v1/sessions?limit=0"_s).errorCode(), u"invalid_field"_s);
    const QUrl base(u"http://127.0.0.1:%1/"_s.arg(m_cluster->node(0).apiPort()));
    for (const QByteArray &key : {QByteArray(), "wrong-key-0123456789abcdefghijklmnopq"_ba}) {
        ApiClient stranger(base, key);
        for (const QString &path :
             {u"/api/v1/sessions"_s, u"/api/v1/stats"_s, u"/api/v1/users/alice/sessions"_s}) {
            const ApiClient::Reply reply = stranger.get(path);
            QCOMPARE(reply.status, 401);
            QCOMPARE(reply.errorCode(), u"unauthorized"_s);
        }
        QCOMPARE(stranger.del(u"/api/v1/sessions/s_nope"_s).status, 401);
    }
}

void TestClusterPresence::brokerDownAnswers503()
{
    const auto onB = connect(1, u"liam"_s);
    QVERIFY(onB);
    QTRY_COMPARE_WITH_TIMEOUT(sessionsSeenBy(0).size(), 1, WaitMs);
    QVERIFY(m_cluster->redis().stop());
    QTRY_COMPARE_WITH_TIMEOUT(api(0).get(u"/api/v1/sessions"_s).status, 503, WaitMs);
    const ApiClient::Reply down = api(0).get(u"/api/v1/stats"_s);
    QCOMPARE(down.status, 503);
    QCOMPARE(down.errorCode(), u"broker_unavailable"_s);
    QCOMPARE(api(0).del(u"/api/v1/sessions/"_s + onB->sessionId()).status, 503);
    QVERIFY(onB->isConnected());
}

QTEST_MAIN(TestClusterPresence)
#include "tst_clusterpresence.moc"
