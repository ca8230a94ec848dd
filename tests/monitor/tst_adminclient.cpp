#include "adminclient.h"
#include "monitor.h"
#include "redisprocess.h"
#include "serverfixture.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// AdminClient (through Monitor, which feeds the models) against a real
// herald-server: in-process on free ports, and the real binary for a restart.
class TestAdminClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void snapshotListsConnectedSessions();
    void liveOpenAndCloseEvents();
    void testNotificationReachesTheClient();
    void disconnectCommands();
    void snapshotCountsFramesSent();
    void countersReportHeartbeatPongs();
    void refused_data();
    void refused();
    void reconnectAfterServerRestartRebuildsSnapshot();
    void clusterShowsAndKicksEveryNodesSessions();

private:
    static constexpr const char *AdminToken = "admin-token-0123456789abcdef";
    bool startServer(const QByteArray &adminToken = AdminToken);
    bool startServer(ServerConfig config);
    bool goLive(Monitor &monitor, const QUrl &apiUrl);
    WsClient *connectBrowser(const QString &user, const QByteArray &secret, quint16 wsPort);
    static QStringList sessionIds(Monitor &monitor);

    std::unique_ptr<ServerFixture> m_fixture;
    std::vector<std::unique_ptr<WsClient>> m_browsers;
};

void TestAdminClient::init()
{
    QVERIFY(startServer());
}

void TestAdminClient::cleanup()
{
    m_browsers.clear();
    m_fixture.reset();
}

bool TestAdminClient::startServer(const QByteArray &adminToken)
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = adminToken;
    return startServer(config);
}

bool TestAdminClient::startServer(ServerConfig config)
{
    m_fixture.reset(); // one server at a time
    m_fixture = std::make_unique<ServerFixture>(config);
    return m_fixture->start();
}

bool TestAdminClient::goLive(Monitor &monitor, const QUrl &apiUrl)
{
    monitor.client().setBackoff(Backoff(100, 500, 0));
    monitor.connectTo({apiUrl, AdminToken});
    return QTest::qWaitFor([&] { return monitor.client().state() == AdminClient::State::Live; },
                           30000);
}

// A browser-like session: a QWebSocket with a token signed by the server's secret.
WsClient *TestAdminClient::connectBrowser(const QString &user, const QByteArray &secret,
                                          quint16 wsPort)
{
    const QByteArray token
        = TokenSigner(secret).sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
    QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(wsPort));
    url.setQuery(QUrlQuery{{u"token"_s, QString::fromLatin1(token)}});
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(url))
        return nullptr;
    m_browsers.push_back(std::move(client));
    return m_browsers.back().get();
}

QStringList TestAdminClient::sessionIds(Monitor &monitor)
{
    QStringList ids;
    for (int row = 0; row < monitor.sessions().rowCount(); ++row)
        ids.append(monitor.sessions().sessionAt(row).id);
    ids.sort();
    return ids;
}

void TestAdminClient::snapshotListsConnectedSessions()
{
    const quint16 wsPort = m_fixture->server().wsPort();
    WsClient *alice = connectBrowser(u"alice"_s, m_fixture->config().secret, wsPort);
    WsClient *bob = connectBrowser(u"bob"_s, m_fixture->config().secret, wsPort);
    QVERIFY(alice && bob);
    Monitor monitor;
    QSignalSpy snapshots(&monitor.client(), &AdminClient::snapshotReceived);
    QVERIFY(goLive(monitor, m_fixture->apiUrl()));
    QCOMPARE(snapshots.size(), 1);
    QCOMPARE(monitor.client().hello().server, u"herald-server"_s);
    QStringList expected{alice->sessionId(), bob->sessionId()};
    expected.sort();
    QCOMPARE(sessionIds(monitor), expected);
    QCOMPARE(monitor.sessions().userCount(), 2);
    const int row = monitor.sessions().rowOf(alice->sessionId());
    QCOMPARE(monitor.sessions().sessionAt(row).user, u"alice"_s);
    QCOMPARE(monitor.sessions().sessionAt(row).remoteAddress, u"127.0.0.1"_s);
    QVERIFY(monitor.sessions().sessionAt(row).connectedAt.isValid());
}

void TestAdminClient::liveOpenAndCloseEvents()
{
    Monitor monitor;
    QVERIFY(goLive(monitor, m_fixture->apiUrl()));
    QCOMPARE(monitor.sessions().rowCount(), 0);
    QSignalSpy events(&monitor.client(), &AdminClient::eventsReceived);
    WsClient *carol
        = connectBrowser(u"carol"_s, m_fixture->config().secret, m_fixture->server().wsPort());
    QVERIFY(carol);
    QTRY_COMPARE(monitor.sessions().rowCount(), 1);
    const QList<AdminEvent> opened = events.last().first().value<QList<AdminEvent>>();
    QCOMPARE(opened.last().kind, AdminEvent::Kind::SessionOpened);
    QCOMPARE(opened.last().session.user, u"carol"_s);
    QCOMPARE(opened.last().session.id, carol->sessionId());
    carol->socket().close();
    QTRY_COMPARE(monitor.sessions().rowCount(), 0);
    const QList<AdminEvent> closed = events.last().first().value<QList<AdminEvent>>();
    QCOMPARE(closed.last().kind, AdminEvent::Kind::SessionClosed);
    QCOMPARE(closed.last().session.id, carol->sessionId());
    QVERIFY(monitor.eventLog().rowCount() >= 3); // connecting, live, connect, disconnect
}

void TestAdminClient::testNotificationReachesTheClient()
{
    WsClient *dave
        = connectBrowser(u"dave"_s, m_fixture->config().secret, m_fixture->server().wsPort());
    QVERIFY(dave);
    Monitor monitor;
    QVERIFY(goLive(monitor, m_fixture->apiUrl()));
    QSignalSpy results(&monitor.client(), &AdminClient::commandFinished);
    QSignalSpy events(&monitor.client(), &AdminClient::eventsReceived);
    const qint64 id = monitor.client().notifyUsers({u"dave"_s}, u"herald.test"_s,
                                                   QJsonObject{{u"title"_s, u"hi"_s}});
    QTRY_COMPARE(results.size(), 1);
    const auto result = results.first().first().value<CommandResult>();
    QCOMPARE(result.id, id);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QCOMPARE(result.result.value(u"sessions"_s).toInt(), 1);
    QTRY_COMPARE(dave->framesOfType(ServerFrame::Type::Notification).size(), 1);
    const Notification frame
        = dave->framesOfType(ServerFrame::Type::Notification).first().notification;
    QCOMPARE(frame.event, u"herald.test"_s);
    QCOMPARE(frame.data.toObject().value(u"title"_s).toString(), u"hi"_s);
    // The push shows up in the live feed too.
    QTRY_VERIFY(!events.isEmpty());
    const AdminEvent push = events.last().first().value<QList<AdminEvent>>().last();
    QCOMPARE(push.kind, AdminEvent::Kind::Notification);
    QCOMPARE(push.users, QStringList{u"dave"_s});
}

void TestAdminClient::disconnectCommands()
{
    const QByteArray secret = m_fixture->config().secret;
    const quint16 wsPort = m_fixture->server().wsPort();
    WsClient *one = connectBrowser(u"erin"_s, secret, wsPort);
    WsClient *two = connectBrowser(u"erin"_s, secret, wsPort);
    WsClient *other = connectBrowser(u"frank"_s, secret, wsPort);
    QVERIFY(one && two && other);
    Monitor monitor;
    QVERIFY(goLive(monitor, m_fixture->apiUrl()));
    QSignalSpy results(&monitor.client(), &AdminClient::commandFinished);
    monitor.client().disconnectSession(other->sessionId());
    QTRY_VERIFY(other->isClosed());
    monitor.client().disconnectUser(u"erin"_s);
    QTRY_VERIFY(one->isClosed() && two->isClosed());
    QTRY_COMPARE(results.size(), 2);
    QCOMPARE(results.at(1).first().value<CommandResult>().result.value(u"disconnected"_s).toInt(),
             2);
    QTRY_COMPARE(monitor.sessions().rowCount(), 0);
    monitor.client().disconnectSession(u"s_missing"_s);
    QTRY_COMPARE(results.size(), 3);
    QCOMPARE(results.at(2).first().value<CommandResult>().errorCode, u"not_found"_s);
}

// A browser that got its welcome and one push has been sent two frames: the
// snapshot says so, and so does the fresh snapshot a resync brings.
void TestAdminClient::snapshotCountsFramesSent()
{
    WsClient *gina
        = connectBrowser(u"gina"_s, m_fixture->config().secret, m_fixture->server().wsPort());
    QVERIFY(gina);
    Monitor monitor;
    QSignalSpy snapshots(&monitor.client(), &AdminClient::snapshotReceived);
    QVERIFY(goLive(monitor, m_fixture->apiUrl()));
    const auto counters = [&] {
        return monitor.sessions().sessionAt(monitor.sessions().rowOf(gina->sessionId())).counters;
    };
    QVERIFY(counters().framesSent >= 1); // the welcome, at least
    QVERIFY(counters().lastPongAt); // reported, if only as "none yet"
    monitor.client().notifyUsers({u"gina"_s}, u"herald.test"_s, QJsonObject{});
    QTRY_COMPARE(gina->framesOfType(ServerFrame::Type::Notification).size(), 1);
    monitor.client().resync();
    QTRY_COMPARE(snapshots.size(), 2);
    QCOMPARE(monitor.sessions().rowCount(), 1);
    QVERIFY2(counters().framesSent >= 2,
             qPrintable(QString::number(counters().framesSent.value_or(-1))));
}

// With heartbeats every second, a session_counters frame soon reports the
// browser's pong (QWebSocket answers pings by itself), and the model shows it.
void TestAdminClient::countersReportHeartbeatPongs()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = AdminToken;
    config.heartbeatMs = 1000; // one browser: ample time to answer, even on a busy machine
    config.adminCountersMs = 250; // the 5 s default would only slow the test down
    QVERIFY(startServer(config));
    Monitor monitor;
    QVERIFY(goLive(monitor, m_fixture->apiUrl()));
    QSignalSpy counterFrames(&monitor.client(), &AdminClient::countersReceived);
    WsClient *hank
        = connectBrowser(u"hank"_s, m_fixture->config().secret, m_fixture->server().wsPort());
    QVERIFY(hank);
    const auto pongReported = [&] {
        for (const QList<QVariant> &frame : std::as_const(counterFrames)) {
            const auto byId = frame.first().value<QHash<QString, AdminSessionCounters>>();
            const auto pong = byId.value(hank->sessionId()).lastPongAt;
            if (pong && pong->isValid())
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(pongReported(), 20000);
    const int row = monitor.sessions().rowOf(hank->sessionId());
    QVERIFY(row >= 0);
    const QDateTime pong = *monitor.sessions().sessionAt(row).counters.lastPongAt;
    QVERIFY(pong.isValid());
    QVERIFY(qAbs(pong.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QVERIFY(
        !monitor.sessions().index(row, SessionModel::LastPongColumn).data().toString().isEmpty());
}

void TestAdminClient::refused_data()
{
    QTest::addColumn<QByteArray>("serverToken");
    QTest::addColumn<QByteArray>("clientToken");
    QTest::addColumn<QString>("reason");
    QTest::newRow("wrong token") << QByteArray(AdminToken) << QByteArray("not-the-admin-token")
                                 << u"401"_s;
    QTest::newRow("empty token") << QByteArray(AdminToken) << QByteArray() << u"401"_s;
    QTest::newRow("no admin channel") << QByteArray() << QByteArray(AdminToken) << u"404"_s;
}

void TestAdminClient::refused()
{
    QFETCH(QByteArray, serverToken);
    QFETCH(QByteArray, clientToken);
    QFETCH(QString, reason);
    QVERIFY(startServer(serverToken));
    AdminClient client;
    client.setBackoff(Backoff(50, 100, 0));
    QSignalSpy snapshots(&client, &AdminClient::snapshotReceived);
    client.open({m_fixture->apiUrl(), clientToken});
    QTRY_COMPARE(client.state(), AdminClient::State::Refused);
    QVERIFY2(client.errorString().contains(reason), qPrintable(client.errorString()));
    QTest::qWait(300); // refused is final: no retry behind the operator's back
    QCOMPARE(client.state(), AdminClient::State::Refused);
    QCOMPARE(snapshots.size(), 0);
}

// The real binary, killed and started again on the same ports: the console
// reconnects by itself and the new snapshot replaces its rows.
void TestAdminClient::reconnectAfterServerRestartRebuildsSnapshot()
{
    m_fixture.reset();
    QTemporaryDir data;
    QProcessEnvironment env = ServerProcess::environmentWithSecrets();
    env.insert(u"HERALD_ADMIN_TOKEN"_s, QString::fromLatin1(AdminToken));
    const QStringList base{u"--store"_s, u"memory"_s, u"--data-dir"_s, data.path()};
    auto server = std::make_unique<ServerProcess>();
    QVERIFY(server->start(base, env));
    const quint16 wsPort = server->wsPort(), apiPort = server->apiPort();
    QVERIFY(connectBrowser(u"alice"_s, ServerProcess::Secret, wsPort));
    QVERIFY(connectBrowser(u"bob"_s, ServerProcess::Secret, wsPort));
    Monitor monitor;
    QSignalSpy snapshots(&monitor.client(), &AdminClient::snapshotReceived);
    QVERIFY(goLive(monitor, QUrl(u"http://127.0.0.1:%1"_s.arg(apiPort))));
    QCOMPARE(monitor.sessions().rowCount(), 2);

    server->kill();
    QTRY_VERIFY(monitor.client().state() != AdminClient::State::Live);
    m_browsers.clear();
    server = std::make_unique<ServerProcess>();
    QVERIFY(server->start(base
                              + QStringList{u"--ws-port"_s, QString::number(wsPort),
                                            u"--api-port"_s, QString::number(apiPort)},
                          env));
    WsClient *alice = connectBrowser(u"alice"_s, ServerProcess::Secret, wsPort);
    WsClient *carol = connectBrowser(u"carol"_s, ServerProcess::Secret, wsPort);
    QVERIFY(alice && carol);
    QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 30000);
    QTRY_COMPARE(monitor.client().state(), AdminClient::State::Live);
    QStringList expected{alice->sessionId(), carol->sessionId()};
    expected.sort();
    QTRY_COMPARE(sessionIds(monitor), expected); // no stale rows, no duplicates
    QCOMPARE(monitor.sessions().userCount(), 2);
    QVERIFY(server->terminate());
}

// Two real nodes on a real Redis: the monitor connected to node A lists B's sessions with
// their node, sees one open on B, and kicks it there.
void TestAdminClient::clusterShowsAndKicksEveryNodesSessions()
{
    m_fixture.reset();
    RedisProcess redis;
    QString error;
    QVERIFY2(redis.start(&error), qPrintable(error));
    QProcessEnvironment env = ServerProcess::environmentWithSecrets();
    env.insert(u"HERALD_ADMIN_TOKEN"_s, QString::fromLatin1(AdminToken));
    std::vector<std::unique_ptr<ServerProcess>> nodes;
    for (const QString &name : {u"node-a"_s, u"node-b"_s}) {
        nodes.push_back(std::make_unique<ServerProcess>());
        QVERIFY2(
            nodes.back()->start(
                {u"--broker"_s, redis.url(), u"--node-name"_s, name, u"--drain-s"_s, u"0"_s}, env),
            nodes.back()->log().constData());
    }
    WsClient *onA = connectBrowser(u"alice"_s, ServerProcess::Secret, nodes[0]->wsPort());
    WsClient *onB = connectBrowser(u"bob"_s, ServerProcess::Secret, nodes[1]->wsPort());
    QVERIFY(onA && onB);
    Monitor monitor;
    QVERIFY(goLive(monitor, QUrl(u"http://127.0.0.1:%1"_s.arg(nodes[0]->apiPort()))));
    QStringList expected{onA->sessionId(), onB->sessionId()};
    expected.sort();
    // The registry is written every 100 ms: a session missing from the snapshot follows as
    // an event.
    QTRY_COMPARE_WITH_TIMEOUT(sessionIds(monitor), expected, 30000);
    const auto nodeOf = [&monitor](const QString &id) {
        const int row = monitor.sessions().rowOf(id);
        return row < 0 ? QString() : monitor.sessions().sessionAt(row).node;
    };
    QCOMPARE(nodeOf(onA->sessionId()), u"node-a"_s);
    QCOMPARE(nodeOf(onB->sessionId()), u"node-b"_s);
    // Per-node stats: both nodes, node-a marked as the one connected to.
    QTRY_COMPARE_WITH_TIMEOUT(monitor.nodes().nodeCount(), 2, 30000);
    QCOMPARE(monitor.nodes().connectedNode(), u"node-a"_s);
    QCOMPARE(monitor.nodes().nodeAt(0).node, u"node-a"_s);
    QCOMPARE(monitor.nodes().nodeAt(1).node, u"node-b"_s);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.nodes().nodeAt(1).sessions, 1, 30000);

    WsClient *alsoOnB = connectBrowser(u"carol"_s, ServerProcess::Secret, nodes[1]->wsPort());
    QVERIFY(alsoOnB);
    QTRY_COMPARE_WITH_TIMEOUT(nodeOf(alsoOnB->sessionId()), u"node-b"_s, 30000);

    monitor.client().disconnectSession(onB->sessionId());
    QTRY_VERIFY_WITH_TIMEOUT(onB->isClosed(), 30000);
    QCOMPARE(onB->closeCode(), 4003);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.sessions().rowOf(onB->sessionId()), -1, 30000);
    m_browsers.clear();
    for (auto &node : nodes)
        QVERIFY(node->terminate());
}

QTEST_MAIN(TestAdminClient)
#include "tst_adminclient.moc"
