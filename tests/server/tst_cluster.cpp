#include "apiclient.h"
#include "broker/channelmap.h"
#include "hostileclient.h"
#include "redisprocess.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int WaitMs = 30000; // a busy two-core machine runs several suites at once
constexpr int Nodes = 3;

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 s = from; s <= to; ++s)
        out.append(s);
    return out;
}

// The events of the live (seq-less) notifications a client got, in order.
QStringList liveEvents(const WsClient &client)
{
    QStringList events;
    for (const ServerFrame &frame : client.framesOfType(ServerFrame::Type::Notification)) {
        if (frame.seq == 0)
            events.append(frame.notification.event);
    }
    return events;
}

// The last unread frame a client got, as "count/readUpTo"; "none" before any.
QString lastUnread(const WsClient &client)
{
    const QList<ServerFrame> frames = client.framesOfType(ServerFrame::Type::Unread);
    return frames.isEmpty() ? u"none"_s
                            : u"%1/%2"_s.arg(frames.last().count).arg(frames.last().readUpTo);
}

// \a count users named \a prefix-<n>.
QStringList usersNamed(const QString &prefix, int count)
{
    QStringList users;
    for (int n = 0; n < count; ++n)
        users.append(u"%1-%2"_s.arg(prefix).arg(n));
    return users;
}

} // namespace

// Several real herald-server nodes on one real Redis (README "Running several nodes"): a
// push accepted by any node reaches the user's sessions on every node once, in seq order;
// reads and resumes work across nodes; a broker outage refuses pushes with 503
// broker_unavailable, keeps sessions open, and service resumes when Redis is back.
class TestCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void pushReachesEveryNodeOnceInOrder();
    void readOnOneNodeMovesUnreadOnAnother();
    void resumeOnAnotherNode();
    void livePushesReachEveryNode();
    void storedBroadcastReachesUsersOfEveryNode();
    void brokerDownRefusesPushesAndRecovers();
    void missedMessageClosesSessionToResume();
    void lastMissedMessageClosesSessionOnceSubscribed();
    void pushReachesOnlyNodesHoldingItsUser();
    void pushToManyUsersReachesEveryNodeOnce();
    void pushToThousandsOfUsersTravelsInPieces();
    void sessionOpeningOnNewChannelMissesNothing();
    void channelLeftByLastSessionStopsReachingNode();

private:
    bool startNodes();
    bool allSubscribed();
    QUrl wsUrl(int node, const QString &user, qint64 since = -1, const QString &epoch = {}) const;
    std::unique_ptr<WsClient> connect(int node, const QString &user);
    // A session of \a user on \a node through \a client; its welcome, or nullopt.
    std::optional<ServerFrame> openRaw(HostileClient &client, int node, const QString &user);
    ApiClient::Reply notify(int node, const QString &user);
    qint64 stat(int node, const QString &name);
    qint64 subscribedChannels(int node);
    bool pushWhileNodeDeaf(int node, const QString &user);
    QList<qint64> brokerMessages(); // each node's broker_messages
    ApiClient::Reply pushThroughB(const QStringList &users, const QString &event, bool store);

    std::unique_ptr<QTemporaryDir> m_dir; // Redis's append-only file
    std::unique_ptr<RedisProcess> m_redis;
    std::vector<std::unique_ptr<ServerProcess>> m_nodes;
    std::vector<std::unique_ptr<ApiClient>> m_apis;
    int m_pushes = 0;
};

void TestCluster::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_redis = std::make_unique<RedisProcess>();
    QString error;
    // Persistent, so that a restart of Redis (brokerDown...) keeps the cluster's data.
    QVERIFY2(m_redis->start(&error, 0, m_dir->path()), qPrintable(error));
    QVERIFY(startNodes());
}

void TestCluster::cleanup()
{
    m_apis.clear();
    for (auto &node : m_nodes)
        node->terminate();
    m_nodes.clear();
    m_redis.reset();
    m_dir.reset();
}

bool TestCluster::startNodes()
{
    for (int i = 0; i < Nodes; ++i) {
        auto node = std::make_unique<ServerProcess>();
        if (!node->start({u"--broker"_s, m_redis->url(), u"--drain-s"_s, u"0"_s},
                         ServerProcess::environmentWithSecrets())) {
            qWarning("node %d did not start: %s", i, node->log().constData());
            return false;
        }
        m_apis.push_back(std::make_unique<ApiClient>(
            QUrl(u"http://127.0.0.1:%1/"_s.arg(node->apiPort())), ServerProcess::ApiKey));
        m_nodes.push_back(std::move(node));
    }
    // A node delivers only once its subscription to the broadcast channel is in place.
    return QTest::qWaitFor([this] { return allSubscribed(); }, WaitMs);
}

bool TestCluster::allSubscribed()
{
    for (auto &api : m_apis) {
        if (!api->get(u"/healthz"_s).json().value(u"store"_s).toObject().value(u"ok"_s).toBool())
            return false;
    }
    return true;
}

QUrl TestCluster::wsUrl(int node, const QString &user, qint64 since, const QString &epoch) const
{
    const QByteArray token = TokenSigner(ServerProcess::Secret)
                                 .sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
    QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(m_nodes[size_t(node)]->wsPort()));
    QUrlQuery query{{u"token"_s, QString::fromLatin1(token)}};
    if (since >= 0) {
        query.addQueryItem(u"since"_s, QString::number(since));
        query.addQueryItem(u"epoch"_s, epoch);
    }
    url.setQuery(query);
    return url;
}

std::optional<ServerFrame> TestCluster::openRaw(HostileClient &client, int node,
                                                const QString &user)
{
    const QUrl url = wsUrl(node, user);
    if (!client.connectTo(m_nodes[size_t(node)]->wsPort())
        || !client.upgrade(url.path(QUrl::FullyEncoded).toUtf8() + '?'
                           + url.query(QUrl::FullyEncoded).toUtf8())
        || !client.waitForText(R"("type":"welcome")", WaitMs))
        return std::nullopt;
    auto welcome = ServerFrame::parse(QString::fromUtf8(client.textFrames().first()));
    if (!welcome || welcome->type != ServerFrame::Type::Welcome)
        return std::nullopt;
    return welcome;
}

std::unique_ptr<WsClient> TestCluster::connect(int node, const QString &user)
{
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(wsUrl(node, user), WaitMs))
        return nullptr;
    return client;
}

ApiClient::Reply TestCluster::notify(int node, const QString &user)
{
    const QJsonObject body{{u"users"_s, QJsonArray{user}},
                           {u"data"_s, QJsonObject{{u"n"_s, ++m_pushes}}}};
    return m_apis[size_t(node)]->post(u"/api/v1/notify"_s, body);
}

// A counter of /api/v1/stats (broker_messages, broker_channels ...).
qint64 TestCluster::stat(int node, const QString &name)
{
    return m_apis[size_t(node)]->get(u"/api/v1/stats"_s).json().value(name).toInteger(-1);
}

qint64 TestCluster::subscribedChannels(int node)
{
    const QJsonObject health = m_apis[size_t(node)]->get(u"/healthz"_s).json();
    return health.value(u"store"_s).toObject().value(u"channels"_s).toInteger(-1);
}

QList<qint64> TestCluster::brokerMessages()
{
    QList<qint64> counts;
    for (int node = 0; node < Nodes; ++node)
        counts.append(stat(node, u"broker_messages"_s));
    return counts;
}

ApiClient::Reply TestCluster::pushThroughB(const QStringList &users, const QString &event,
                                           bool store)
{
    const QJsonObject body{
        {u"users"_s, QJsonArray::fromStringList(users)}, {u"event"_s, event}, {u"store"_s, store}};
    return m_apis[1]->post(u"/api/v1/notify"_s, body);
}

// Drops the nodes' subscriptions (CLIENT KILL TYPE pubsub) and keeps them from coming back
// (maxclients 1, the nodes' store connections stay), pushes one notification to \a user
// through node A while \a node hears nothing, then lets the subscriptions return.
bool TestCluster::pushWhileNodeDeaf(int node, const QString &user)
{
    QTcpSocket console;
    if (!m_redis->openConsole(console)
        || !RedisProcess::command(console, {"CONFIG", "SET", "maxclients", "1"}).startsWith("+OK")
        || !RedisProcess::command(console, {"CLIENT", "KILL", "TYPE", "pubsub"}).startsWith(":"))
        return false;
    const bool deaf = QTest::qWaitFor(
        [this, node] { return m_nodes[size_t(node)]->log().contains("lost:"); }, WaitMs);
    const bool pushed = deaf && notify(0, user).status == 202;
    const bool back = RedisProcess::command(console, {"CONFIG", "SET", "maxclients", "10000"})
                          .startsWith("+OK");
    if (!deaf || !pushed)
        qWarning("node %d %s", node, deaf ? "refused the push" : "kept its subscription");
    return deaf && pushed && back;
}

void TestCluster::pushReachesEveryNodeOnceInOrder()
{
    std::vector<std::unique_ptr<WsClient>> sessions;
    for (int node = 0; node < Nodes; ++node) {
        sessions.push_back(connect(node, u"alice"_s));
        QVERIFY(sessions.back());
    }
    for (int i = 1; i <= 5; ++i) {
        const ApiClient::Reply reply = notify(0, u"alice"_s);
        QCOMPARE(reply.status, 202);
        QCOMPARE(reply.json().value(u"seq"_s).toObject().value(u"alice"_s).toInteger(), i);
    }
    for (const auto &session : sessions)
        QTRY_COMPARE_WITH_TIMEOUT(session->seqs(), range(1, 5), WaitMs);
    // One more through another node: a duplicate of an earlier one would show here.
    QCOMPARE(notify(2, u"alice"_s).status, 202);
    for (const auto &session : sessions)
        QTRY_COMPARE_WITH_TIMEOUT(session->seqs(), range(1, 6), WaitMs);
    QCOMPARE(sessions[1]->framesOfType(ServerFrame::Type::Notification).last().notification.data,
             QJsonValue(QJsonObject{{u"n"_s, 6}}));
}

void TestCluster::readOnOneNodeMovesUnreadOnAnother()
{
    const auto onA = connect(0, u"carol"_s);
    const auto onB = connect(1, u"carol"_s);
    QVERIFY(onA && onB);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(notify(2, u"carol"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onA->seqs(), range(1, 3), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(onB->seqs(), range(1, 3), WaitMs);
    onA->send(ClientFrame::read(2));
    QTRY_COMPARE_WITH_TIMEOUT(lastUnread(*onB), u"1/2"_s, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(lastUnread(*onA), u"1/2"_s, WaitMs);
}

void TestCluster::resumeOnAnotherNode()
{
    auto onA = connect(0, u"bob"_s);
    QVERIFY(onA);
    const QString epoch = onA->welcome().position.epoch;
    for (int i = 0; i < 3; ++i)
        QCOMPARE(notify(0, u"bob"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onA->seqs(), range(1, 3), WaitMs);
    onA.reset();
    for (int i = 0; i < 2; ++i)
        QCOMPARE(notify(2, u"bob"_s).status, 202);
    WsClient onB;
    QVERIFY(onB.connectAndWelcome(wsUrl(1, u"bob"_s, 3, epoch), WaitMs));
    QCOMPARE(onB.welcome().position.epoch, epoch);
    QTRY_COMPARE_WITH_TIMEOUT(onB.seqs(), range(4, 5), WaitMs);
    QCOMPARE(notify(0, u"bob"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onB.seqs(), range(4, 6), WaitMs);
    const QList<ServerFrame> resumed = onB.framesOfType(ServerFrame::Type::Resumed);
    QCOMPARE(resumed.size(), 1);
    QVERIFY(resumed.first().ok);
}

// Live pushes (stored nowhere) go through Redis too: a broadcast reaches every session of
// every node once, a live notify the user's sessions on every node.
void TestCluster::livePushesReachEveryNode()
{
    std::vector<std::unique_ptr<WsClient>> sessions;
    for (int node = 0; node < Nodes; ++node) {
        sessions.push_back(connect(node, u"erin-%1"_s.arg(node)));
        QVERIFY(sessions.back());
    }
    const auto erinOnC = connect(2, u"erin-0"_s);
    QVERIFY(erinOnC);
    const ApiClient::Reply broadcast
        = m_apis[0]->post(u"/api/v1/broadcast"_s, {{u"event"_s, u"everyone"_s}});
    QCOMPARE(broadcast.status, 202);
    QCOMPARE(broadcast.json().value(u"stored"_s).toBool(), false);
    const QJsonObject live{
        {u"users"_s, QJsonArray{u"erin-0"_s}}, {u"event"_s, u"only-erin"_s}, {u"store"_s, false}};
    QCOMPARE(m_apis[1]->post(u"/api/v1/notify"_s, live).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*sessions[0]),
                              QStringList({u"everyone"_s, u"only-erin"_s}), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*erinOnC), QStringList({u"everyone"_s, u"only-erin"_s}),
                              WaitMs);
    // A last broadcast: the others got the first once and no live notify.
    QCOMPARE(m_apis[2]->post(u"/api/v1/broadcast"_s, {{u"event"_s, u"last"_s}}).status, 202);
    for (int node = 1; node < Nodes; ++node)
        QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*sessions[size_t(node)]),
                                  QStringList({u"everyone"_s, u"last"_s}), WaitMs);
}

// A stored broadcast is stored for every user with a stream and every user with a session
// on any node, not only on the node that accepted it.
void TestCluster::storedBroadcastReachesUsersOfEveryNode()
{
    const auto frankOnB = connect(1, u"frank"_s);
    const auto gretaOnC = connect(2, u"greta"_s);
    QVERIFY(frankOnB && gretaOnC);
    const ApiClient::Reply reply
        = m_apis[0]->post(u"/api/v1/broadcast"_s, {{u"event"_s, u"stored"_s}, {u"store"_s, true}});
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json().value(u"users"_s).toInteger(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(frankOnB->seqs(), range(1, 1), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(gretaOnC->seqs(), range(1, 1), WaitMs);
}

void TestCluster::brokerDownRefusesPushesAndRecovers()
{
    const auto onB = connect(1, u"dave"_s);
    QVERIFY(onB);
    QCOMPARE(notify(0, u"dave"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onB->seqs(), range(1, 1), WaitMs);

    const quint16 port = m_redis->port();
    QVERIFY(m_redis->stop());
    for (int node = 0; node < Nodes; ++node) {
        const ApiClient::Reply refused = notify(node, u"dave"_s);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.errorCode(), u"broker_unavailable"_s);
    }
    const ApiClient::Reply liveRefused
        = m_apis[1]->post(u"/api/v1/broadcast"_s, {{u"event"_s, u"lost"_s}});
    QCOMPARE(liveRefused.status, 503);
    QCOMPARE(liveRefused.errorCode(), u"broker_unavailable"_s);
    QVERIFY(onB->isConnected());
    // A session that opens meanwhile is not told its stream is empty: 1013, come back
    // later (a raw client: QWebSocket takes 1012-2999 for a protocol error).
    HostileClient late;
    QVERIFY(late.connectTo(m_nodes[2]->wsPort()));
    const QUrl lateUrl = wsUrl(2, u"dave"_s, 1, onB->welcome().position.epoch);
    QVERIFY(late.upgrade(lateUrl.path(QUrl::FullyEncoded).toUtf8() + '?'
                         + lateUrl.query(QUrl::FullyEncoded).toUtf8()));
    QCOMPARE(late.waitForClose(WaitMs), 1013);
    QVERIFY(late.textFrames().isEmpty()); // no welcome
    // Stats answer for the cluster, so not while Redis is down: the node's own /metrics do.
    QVERIFY(
        m_apis[2]->get(u"/metrics"_s).body.contains("\nherald_store_unavailable_closes_total 1\n"));

    QString error;
    QVERIFY2(m_redis->start(&error, port, m_dir->path()), qPrintable(error));
    QVERIFY(QTest::qWaitFor([this] { return allSubscribed(); }, WaitMs));
    // Node A retries Redis after its backoff (at most 5 s): until then a push is refused,
    // never accepted.
    int status = 0;
    for (QDeadlineTimer deadline(WaitMs); status != 202 && !deadline.hasExpired();) {
        const ApiClient::Reply reply = notify(0, u"dave"_s);
        status = reply.status;
        if (status != 202) {
            QCOMPARE(status, 503);
            QCOMPARE(reply.errorCode(), u"broker_unavailable"_s);
            QTest::qWait(100);
        }
    }
    QCOMPARE(status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onB->seqs(), range(1, 2), WaitMs);
    QVERIFY(onB->isConnected());
    // Logged once per change of state, not once per failed push or attempt.
    const QByteArray logA = m_nodes[0]->log();
    QCOMPARE(logA.count("broker down:"), 1);
    QCOMPARE(logA.count("is reachable again"), 1);
    const QByteArray logB = m_nodes[1]->log();
    QCOMPARE(logB.count("lost:"), 1);
    QCOMPARE(logB.count("is back"), 1);
}

// A node whose subscription Redis dropped misses what is published until it is back: the node's
// session learns of the gap from the next seq and is closed with 1013, and its resume fetches what
// it missed from Redis.
void TestCluster::missedMessageClosesSessionToResume()
{
    HostileClient onB; // reads any close code (QWebSocket reports 1013 as 1002)
    const std::optional<ServerFrame> welcome = openRaw(onB, 1, u"erin"_s);
    QVERIFY(welcome);
    QCOMPARE(notify(0, u"erin"_s).status, 202);
    QVERIFY(onB.waitForText(R"("seq":1)", WaitMs));

    QVERIFY(pushWhileNodeDeaf(1, u"erin"_s));
    QVERIFY(QTest::qWaitFor([this] { return allSubscribed(); }, WaitMs));
    QCOMPARE(notify(0, u"erin"_s).status, 202);
    QCOMPARE(onB.waitForClose(WaitMs), 1013);
    QVERIFY(!onB.waitForText(R"("seq":3)", 0)); // never sent past the gap
    const QJsonObject stats = m_apis[1]->get(u"/api/v1/stats"_s).json();
    QCOMPARE(stats.value(u"seq_gap_closes"_s).toInt(), 1);

    WsClient resumed;
    QVERIFY(resumed.connectAndWelcome(wsUrl(1, u"erin"_s, 1, welcome->position.epoch), WaitMs));
    QTRY_COMPARE_WITH_TIMEOUT(resumed.seqs(), range(2, 3), WaitMs);
}

// As above, but nothing is pushed after the lost one: once its subscription is back the node
// finds the session behind its user's last seq and closes it to resume.
void TestCluster::lastMissedMessageClosesSessionOnceSubscribed()
{
    HostileClient onB; // reads any close code (QWebSocket reports 1013 as 1002)
    const std::optional<ServerFrame> welcome = openRaw(onB, 1, u"frank"_s);
    QVERIFY(welcome);
    QCOMPARE(notify(0, u"frank"_s).status, 202);
    QVERIFY(onB.waitForText(R"("seq":1)", WaitMs));
    // A session on the same node whose user missed nothing stays open.
    const auto untouched = connect(1, u"grace"_s);
    QVERIFY(untouched);

    QVERIFY(pushWhileNodeDeaf(1, u"frank"_s));
    QCOMPARE(onB.waitForClose(WaitMs), 1013);
    QVERIFY(!onB.waitForText(R"("seq":2)", 0));
    QVERIFY(!untouched->isClosed());

    WsClient resumed;
    QVERIFY(resumed.connectAndWelcome(wsUrl(1, u"frank"_s, 1, welcome->position.epoch), WaitMs));
    QTRY_COMPARE_WITH_TIMEOUT(resumed.seqs(), range(2, 2), WaitMs);
    QVERIFY(!untouched->isClosed());
}

// A node hears only the users it holds sessions of: C, holding 40 users, receives none
// of the 25 pushes to users it does not hold (with users hashed into 64 shard channels,
// as before, C would hear 40 of the 64 shards and 17 of these pushes), while the nodes
// holding the user get each once. A broadcast still reaches every node once.
void TestCluster::pushReachesOnlyNodesHoldingItsUser()
{
    const QString held = u"routed"_s; // sessions on A and B
    const auto onA = connect(0, held);
    const auto onB = connect(1, held);
    QVERIFY(onA && onB);
    const QStringList ofC = usersNamed(u"on-c"_s, 40);
    std::vector<std::unique_ptr<WsClient>> onC;
    for (const QString &user : ofC) {
        onC.push_back(connect(2, user));
        QVERIFY(onC.back());
    }
    QCOMPARE(subscribedChannels(0), 1);
    QCOMPARE(subscribedChannels(2), 40);
    const qint64 atA = stat(0, u"broker_messages"_s);
    const qint64 atC = stat(2, u"broker_messages"_s);
    QVERIFY(atA >= 0 && atC >= 0);

    const QStringList elsewhere = usersNamed(u"elsewhere"_s, 20);
    for (const QString &user : elsewhere)
        QCOMPARE(notify(2, user).status, 202); // through C, which holds none of them
    for (int i = 0; i < 5; ++i)
        QCOMPARE(notify(2, held).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onA->seqs(), range(1, 5), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(onB->seqs(), range(1, 5), WaitMs);
    // Redis sends C its messages in publish order: once C has this one, it would have had
    // the ones before.
    QCOMPARE(notify(0, ofC.last()).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onC.back()->seqs(), range(1, 1), WaitMs);
    QCOMPARE(stat(2, u"broker_messages"_s), atC + 1);
    QCOMPARE(stat(0, u"broker_messages"_s), atA + 5);

    QCOMPARE(m_apis[1]->post(u"/api/v1/broadcast"_s, {{u"event"_s, u"all"_s}}).status, 202);
    for (const WsClient *session : {onA.get(), onB.get(), onC.front().get()})
        QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*session), QStringList{u"all"_s}, WaitMs);
    QCOMPARE(stat(2, u"broker_messages"_s), atC + 2);
    QCOMPARE(stat(0, u"broker_messages"_s), atA + 6);
    const QByteArray metrics = m_apis[2]->get(u"/metrics"_s).body;
    QVERIFY2(metrics.contains("\nherald_broker_messages_total " + QByteArray::number(atC + 2)),
             metrics.constData());
    QVERIFY(metrics.contains("\nherald_broker_channels 40"));
}

// A push to more users than ChannelMap::RoutedUsersMax travels once, on the broadcast
// channel, to every node, B included though it holds none of them; each node delivers to
// the users it holds. Stored and live alike.
void TestCluster::pushToManyUsersReachesEveryNodeOnce()
{
    const QStringList users = usersNamed(u"many"_s, ChannelMap::RoutedUsersMax + 1);
    const auto onA = connect(0, users.first());
    const auto onC = connect(2, users.last());
    QVERIFY(onA && onC);
    const QList<qint64> before = brokerMessages();

    const ApiClient::Reply reply = pushThroughB(users, u"stored"_s, true);
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json().value(u"seq"_s).toObject().size(), users.size());
    QTRY_COMPARE_WITH_TIMEOUT(onA->seqs(), range(1, 1), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(onC->seqs(), range(1, 1), WaitMs);
    QCOMPARE(subscribedChannels(1), 0);
    QCOMPARE(pushThroughB(users, u"live"_s, false).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*onA), QStringList{u"live"_s}, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*onC), QStringList{u"live"_s}, WaitMs);
    // B's subscriber hears what A's and C's do, in the same order: once a last message
    // reaches A and C, B has had the two before it.
    QCOMPARE(m_apis[1]->post(u"/api/v1/broadcast"_s, {{u"event"_s, u"last"_s}}).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*onA), QStringList({u"live"_s, u"last"_s}), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(liveEvents(*onC), QStringList({u"live"_s, u"last"_s}), WaitMs);
    for (int node = 0; node < Nodes; ++node) {
        QTRY_COMPARE_WITH_TIMEOUT(stat(node, u"broker_messages"_s), before[node] + 3, WaitMs);
    }
    // Each got the stored one once, then the two live ones (seq 0).
    QCOMPARE(onA->seqs(), QList<qint64>({1, 0, 0}));
    QCOMPARE(onC->seqs(), QList<qint64>({1, 0, 0}));
}

// A push to more users than one broadcast message carries (ChannelMap::TargetsPerMessage)
// goes in pieces, stored and live alike: each node receives every piece once, and the
// users of the first and the last piece get it.
void TestCluster::pushToThousandsOfUsersTravelsInPieces()
{
    const QStringList users = usersNamed(u"crowd"_s, 2 * ChannelMap::TargetsPerMessage + 1);
    const auto onA = connect(0, users.first());
    const auto onC = connect(2, users.last());
    QVERIFY(onA && onC);
    const QList<qint64> before = brokerMessages();

    QCOMPARE(pushThroughB(users, u"stored"_s, true).status, 202);
    QCOMPARE(pushThroughB(users, u"live"_s, false).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(onA->seqs(), QList<qint64>({1, 0}), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(onC->seqs(), QList<qint64>({1, 0}), WaitMs);
    // Three pieces of each push, on every node, B included though it holds none of them.
    for (int node = 0; node < Nodes; ++node)
        QTRY_COMPARE_WITH_TIMEOUT(stat(node, u"broker_messages"_s), before[node] + 6, WaitMs);
}

// A session that opens on a node for a user the node does not hear yet reads its position
// only once the node's subscription is in place: with pushes streaming through another
// node while sessions open, each gets every notification after its welcome's seq, once,
// in order.
void TestCluster::sessionOpeningOnNewChannelMissesNothing()
{
    const QStringList users = usersNamed(u"opening"_s, 8);
    QJsonArray targets;
    for (const QString &user : users)
        targets.append(user);
    QNetworkAccessManager network;
    QNetworkRequest request(
        QUrl(u"http://127.0.0.1:%1/api/v1/notify"_s.arg(m_nodes[0]->apiPort())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("Authorization", m_apis[0]->authorization());
    int sent = 0;
    int accepted = 0;
    int refused = 0;
    int stopAt = -1; // until every session is open, then a few more
    QTimer pacer;
    pacer.setInterval(5);
    QObject::connect(&pacer, &QTimer::timeout, &network, [&] {
        if (stopAt >= 0 && sent >= stopAt)
            return pacer.stop();
        const QJsonObject body{{u"users"_s, targets}, {u"data"_s, QJsonObject{{u"n"_s, ++sent}}}};
        QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            ++(status == 202 ? accepted : refused);
            reply->deleteLater();
        });
    });
    pacer.start();
    QVERIFY(QTest::qWaitFor([&] { return accepted >= 10; }, WaitMs));
    std::vector<std::unique_ptr<WsClient>> sessions;
    for (const QString &user : users) {
        sessions.push_back(connect(2, user));
        QVERIFY(sessions.back());
    }
    stopAt = sent + 20;
    QVERIFY(
        QTest::qWaitFor([&] { return !pacer.isActive() && accepted + refused == sent; }, WaitMs));
    QCOMPARE(refused, 0);
    for (const auto &session : sessions) {
        const qint64 seen = session->welcome().position.seq;
        QVERIFY2(seen > 0 && seen < accepted, qPrintable(QString::number(seen)));
        QTRY_COMPARE_WITH_TIMEOUT(session->seqs(), range(seen + 1, accepted), WaitMs);
    }
    QCOMPARE(subscribedChannels(2), qint64(users.size()));
}

// Once the last session of a user has left a node (and the grace period is over), the
// node unsubscribes: pushes to that user no longer reach it.
void TestCluster::channelLeftByLastSessionStopsReachingNode()
{
    const QStringList users = usersNamed(u"leaving"_s, 2);
    const QString &leaving = users[0];
    const QString &staying = users[1];
    auto leavingOnC = connect(2, leaving);
    const auto stayingOnC = connect(2, staying);
    const auto leavingOnA = connect(0, leaving);
    QVERIFY(leavingOnC && stayingOnC && leavingOnA);
    QCOMPARE(subscribedChannels(2), 2);
    QCOMPARE(notify(1, leaving).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(leavingOnC->seqs(), range(1, 1), WaitMs);

    leavingOnC.reset();
    QVERIFY(QTest::qWaitFor([this] { return subscribedChannels(2) == 1; }, WaitMs));
    const qint64 atC = stat(2, u"broker_messages"_s);
    QCOMPARE(notify(1, leaving).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(leavingOnA->seqs(), range(1, 2), WaitMs);
    QCOMPARE(notify(1, staying).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(stayingOnC->seqs(), range(1, 1), WaitMs);
    QCOMPARE(stat(2, u"broker_messages"_s), atC + 1);

    // A session of the user again: the channel comes back, and with it the pushes.
    const auto backOnC = connect(2, leaving);
    QVERIFY(backOnC);
    QCOMPARE(backOnC->welcome().position.seq, 2);
    QCOMPARE(subscribedChannels(2), 2);
    QCOMPARE(notify(1, leaving).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(backOnC->seqs(), range(3, 3), WaitMs);
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
