#include "adminclient.h"
#include "fakeadminserver.h"
#include "monitor.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// AdminClient against a scripted server: snapshot assembly, held events and
// counters, overflow, commands, garbage, drops and silence.
class TestAdminClientProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void snapshotInBatchesThenLive();
    void eventsDuringSnapshotWaitForIt();
    void countersReachTheReceiver();
    void countersDuringSnapshotApplyAfterIt();
    void overflowAsksForResync();
    void commandsGetTheirAnswers();
    void commandsFailWhenTheConnectionDrops();
    void commandWhileDisconnectedFails();
    void garbageIsIgnored_data();
    void garbageIsIgnored();
    void reconnectsAfterADrop();
    void silentServerIsDropped();
    void closeStopsRetrying();

private:
    static AdminSessionRecord session(int n);
    static AdminEvent opened(int n);
    static QJsonObject counters(int n, qint64 framesSent, const QJsonValue &lastPongAt);
    bool goLive(const QList<AdminSessionRecord> &sessions = {});

    std::unique_ptr<FakeAdminServer> m_server;
    std::unique_ptr<AdminClient> m_client;
};

void TestAdminClientProtocol::init()
{
    m_server = std::make_unique<FakeAdminServer>();
    QVERIFY(m_server->listen());
    m_client = std::make_unique<AdminClient>();
    m_client->setBackoff(Backoff(50, 200, 0));
}

void TestAdminClientProtocol::cleanup()
{
    m_client.reset();
    m_server.reset();
}

AdminSessionRecord TestAdminClientProtocol::session(int n)
{
    return {u"s_%1"_s.arg(n), u"user%1"_s.arg(n), u"127.0.0.1"_s, u"Test"_s,
            QDateTime::currentDateTimeUtc()};
}

AdminEvent TestAdminClientProtocol::opened(int n)
{
    return AdminEvent::opened(session(n));
}

QJsonObject TestAdminClientProtocol::counters(int n, qint64 framesSent,
                                              const QJsonValue &lastPongAt)
{
    return {{u"id"_s, u"s_%1"_s.arg(n)},
            {u"frames_sent"_s, framesSent},
            {u"last_pong_at"_s, lastPongAt}};
}

bool TestAdminClientProtocol::goLive(const QList<AdminSessionRecord> &sessions)
{
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    m_client->open({m_server->apiUrl(), "token"});
    if (!connected.wait(5000))
        return false;
    m_server->sendHello();
    m_server->sendSnapshot(sessions);
    return QTest::qWaitFor([this] { return m_client->state() == AdminClient::State::Live; });
}

void TestAdminClientProtocol::snapshotInBatchesThenLive()
{
    QSignalSpy snapshots(m_client.get(), &AdminClient::snapshotReceived);
    QSignalSpy hellos(m_client.get(), &AdminClient::helloReceived);
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    m_client->open({m_server->apiUrl(), "token"});
    QVERIFY(connected.wait());
    m_server->sendHello();
    QTRY_COMPARE(m_client->state(), AdminClient::State::Syncing);
    QCOMPARE(m_client->hello().version, u"9.9"_s);
    QCOMPARE(m_client->hello().store, u"memory"_s);
    QList<AdminSessionRecord> sessions;
    for (int n = 0; n < 2500; ++n)
        sessions.append(session(n));
    m_server->sendSnapshot(sessions, 1000); // three frames
    QTRY_COMPARE(m_client->state(), AdminClient::State::Live);
    QCOMPARE(snapshots.size(), 1);
    QCOMPARE(snapshots.first().first().value<QList<AdminSessionRecord>>().size(), 2500);
    QCOMPARE(hellos.size(), 1);
}

void TestAdminClientProtocol::eventsDuringSnapshotWaitForIt()
{
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    QList<int> order; // 1: snapshot, 2: events
    connect(m_client.get(), &AdminClient::snapshotReceived, this, [&] { order.append(1); });
    connect(m_client.get(), &AdminClient::eventsReceived, this, [&] { order.append(2); });
    m_client->open({m_server->apiUrl(), "token"});
    QVERIFY(connected.wait());
    m_server->sendHello();
    m_server->send({{u"type"_s, u"snapshot"_s},
                    {u"sessions"_s, QJsonArray{session(1).toJson()}},
                    {u"total"_s, 2},
                    {u"done"_s, false}});
    m_server->sendEvents({opened(3)});
    m_server->send({{u"type"_s, u"snapshot"_s},
                    {u"sessions"_s, QJsonArray{session(2).toJson()}},
                    {u"total"_s, 2},
                    {u"done"_s, true}});
    QTRY_COMPARE(order, (QList<int>{1, 2}));
}

void TestAdminClientProtocol::countersReachTheReceiver()
{
    QVERIFY(goLive({session(1), session(2)}));
    QSignalSpy received(m_client.get(), &AdminClient::countersReceived);
    m_server->sendCounters(
        {counters(1, 5, u"2026-01-02T03:04:05.000Z"_s), counters(2, 1, QJsonValue::Null),
         QJsonObject{{u"frames_sent"_s, 3}}, // no id: skipped
         u"not an object"_s, counters(9, 4, QJsonValue::Null)}); // unknown id: still passed on
    QVERIFY(received.wait());
    const auto byId = received.first().first().value<QHash<QString, AdminSessionCounters>>();
    QCOMPARE(byId.size(), 3);
    QCOMPARE(byId.value(u"s_1"_s).framesSent, std::optional<qint64>(5));
    QCOMPARE(byId.value(u"s_1"_s).lastPongAt,
             std::optional(QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)));
    QCOMPARE(byId.value(u"s_2"_s).lastPongAt, std::optional(QDateTime()));
}

// Counters that arrive while a snapshot is assembling wait for it, and for the
// events held with it: a session that opened meanwhile gets its counters too.
void TestAdminClientProtocol::countersDuringSnapshotApplyAfterIt()
{
    Monitor monitor; // the client and the session model it feeds
    AdminClient &client = monitor.client();
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    QList<int> order; // 1: snapshot, 2: events, 3: counters
    connect(&client, &AdminClient::snapshotReceived, this, [&] { order.append(1); });
    connect(&client, &AdminClient::eventsReceived, this, [&] { order.append(2); });
    connect(&client, &AdminClient::countersReceived, this, [&] { order.append(3); });
    monitor.connectTo({m_server->apiUrl(), "token"});
    QVERIFY(connected.wait());
    m_server->sendHello();
    m_server->sendCounters({counters(1, 2, QJsonValue::Null)});
    m_server->sendEvents({opened(3)});
    m_server->sendCounters({counters(3, 4, QJsonValue::Null), counters(1, 6, QJsonValue::Null)});
    m_server->sendSnapshot({session(1)});
    QTRY_COMPARE(order, (QList<int>{1, 2, 3}));
    QCOMPARE(client.state(), AdminClient::State::Live);
    const SessionModel &sessions = monitor.sessions();
    QCOMPARE(sessions.rowCount(), 2);
    QCOMPARE(sessions.sessionAt(sessions.rowOf(u"s_1"_s)).counters.framesSent, 6);
    QCOMPARE(sessions.sessionAt(sessions.rowOf(u"s_3"_s)).counters.framesSent, 4);
}

void TestAdminClientProtocol::overflowAsksForResync()
{
    QVERIFY(goLive({session(1)}));
    QSignalSpy snapshots(m_client.get(), &AdminClient::snapshotReceived);
    QSignalSpy events(m_client.get(), &AdminClient::eventsReceived);
    QSignalSpy commands(m_server.get(), &FakeAdminServer::commandReceived);
    m_server->sendEvents({opened(2), AdminEvent::overflow(12000)});
    QVERIFY(commands.wait());
    const QJsonObject resync = commands.first().first().toJsonObject();
    QCOMPARE(resync.value(u"command"_s).toString(), u"resync"_s);
    QCOMPARE(resync.value(u"type"_s).toString(), u"command"_s);
    QCOMPARE(events.size(), 1); // the overflow itself reaches the log
    QCOMPARE(m_client->state(), AdminClient::State::Syncing);
    m_server->answer(resync, {{u"total"_s, 2}});
    m_server->sendSnapshot({session(1), session(2)});
    QTRY_COMPARE(snapshots.size(), 1);
    QCOMPARE(m_client->state(), AdminClient::State::Live);
}

void TestAdminClientProtocol::commandsGetTheirAnswers()
{
    QVERIFY(goLive());
    QSignalSpy results(m_client.get(), &AdminClient::commandFinished);
    QSignalSpy commands(m_server.get(), &FakeAdminServer::commandReceived);
    const qint64 first = m_client->notifyUsers({u"alice"_s}, u"ping"_s, QJsonObject{{u"n"_s, 1}});
    const qint64 second = m_client->disconnectUser(u"bob"_s);
    QVERIFY(first != second);
    QTRY_COMPARE(commands.size(), 2);
    const QJsonObject notify = commands.at(0).first().toJsonObject();
    QCOMPARE(notify.value(u"users"_s).toArray(), QJsonArray{u"alice"_s});
    QCOMPARE(notify.value(u"data"_s).toObject().value(u"n"_s).toInt(), 1);
    QCOMPARE(commands.at(1).first().toJsonObject().value(u"user"_s).toString(), u"bob"_s);
    m_server->answer(commands.at(1).first().toJsonObject(), {{u"disconnected"_s, 2}});
    m_server->answer(notify, {{u"sessions"_s, 3}, {u"id"_s, u"n_1"_s}});
    QTRY_COMPARE(results.size(), 2);
    const auto answer = results.at(1).first().value<CommandResult>();
    QCOMPARE(answer.id, first);
    QCOMPARE(answer.command, u"notify"_s);
    QVERIFY(answer.ok);
    QCOMPARE(answer.summary(), u"notify: 3 sessions reached (n_1)"_s);
    QCOMPARE(results.at(0).first().value<CommandResult>().command, u"disconnect_user"_s);
}

void TestAdminClientProtocol::commandsFailWhenTheConnectionDrops()
{
    QVERIFY(goLive());
    QSignalSpy results(m_client.get(), &AdminClient::commandFinished);
    QSignalSpy commands(m_server.get(), &FakeAdminServer::commandReceived);
    const qint64 id = m_client->disconnectSession(u"s_1"_s);
    QVERIFY(commands.wait());
    m_server->dropClient();
    QTRY_COMPARE(results.size(), 1);
    const auto answer = results.first().first().value<CommandResult>();
    QCOMPARE(answer.id, id);
    QVERIFY(!answer.ok);
    QCOMPARE(answer.errorCode, u"disconnected"_s);
}

void TestAdminClientProtocol::commandWhileDisconnectedFails()
{
    QSignalSpy results(m_client.get(), &AdminClient::commandFinished);
    const qint64 id = m_client->resync();
    QTRY_COMPARE(results.size(), 1);
    QCOMPARE(results.first().first().value<CommandResult>().id, id);
    QCOMPARE(results.first().first().value<CommandResult>().errorCode, u"not_connected"_s);
}

void TestAdminClientProtocol::garbageIsIgnored_data()
{
    QTest::addColumn<QString>("frame");
    QTest::newRow("not JSON") << u"{nope"_s;
    QTest::newRow("array") << u"[1,2]"_s;
    QTest::newRow("unknown type") << u"{\"type\":\"gossip\"}"_s;
    QTest::newRow("events not an array") << u"{\"type\":\"events\",\"events\":5}"_s;
    QTest::newRow("counters not an array") << u"{\"type\":\"session_counters\",\"sessions\":5}"_s;
    QTest::newRow("counters without sessions") << u"{\"type\":\"session_counters\"}"_s;
    QTest::newRow("bad stats") << u"{\"type\":\"stats\",\"sessions\":\"x\"}"_s;
    QTest::newRow("result for nothing") << u"{\"type\":\"result\",\"id\":999,\"ok\":true}"_s;
}

void TestAdminClientProtocol::garbageIsIgnored()
{
    QFETCH(QString, frame);
    QVERIFY(goLive({session(1)}));
    QSignalSpy stats(m_client.get(), &AdminClient::statsReceived);
    QSignalSpy counters(m_client.get(), &AdminClient::countersReceived);
    m_server->sendText(frame);
    m_server->send({{u"type"_s, u"stats"_s}, {u"sessions"_s, 1}, {u"pushes_per_s"_s, 0}});
    QVERIFY(stats.wait());
    QCOMPARE(m_client->state(), AdminClient::State::Live);
    QCOMPARE(counters.size(), 0); // nothing usable: no signal at all
}

void TestAdminClientProtocol::reconnectsAfterADrop()
{
    QVERIFY(goLive({session(1), session(2)}));
    QSignalSpy snapshots(m_client.get(), &AdminClient::snapshotReceived);
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    m_server->dropClient();
    QTRY_COMPARE(m_client->state(), AdminClient::State::Waiting);
    QVERIFY(connected.wait(5000));
    QCOMPARE(m_server->connections(), 2);
    m_server->sendHello();
    m_server->sendSnapshot({session(2)});
    QTRY_COMPARE(snapshots.size(), 1);
    QCOMPARE(snapshots.first().first().value<QList<AdminSessionRecord>>().size(), 1);
    QCOMPARE(m_client->state(), AdminClient::State::Live);
}

void TestAdminClientProtocol::silentServerIsDropped()
{
    // Long enough for goLive() to get its frames through on a busy machine.
    m_client->setStallTimeout(1000);
    QVERIFY(goLive());
    QSignalSpy connected(m_server.get(), &FakeAdminServer::clientConnected);
    QVERIFY(connected.wait(15000)); // nothing was sent: the client gave up and came back
    QCOMPARE(m_server->connections(), 2);
}

void TestAdminClientProtocol::closeStopsRetrying()
{
    QVERIFY(goLive());
    m_server->stop();
    QTRY_COMPARE(m_client->state(), AdminClient::State::Waiting);
    m_client->close();
    QCOMPARE(m_client->state(), AdminClient::State::Disconnected);
    QVERIFY(m_server->listen(m_server->port()));
    QTest::qWait(500);
    QCOMPARE(m_server->connections(), 1);
    QCOMPARE(m_client->state(), AdminClient::State::Disconnected);
}

QTEST_GUILESS_MAIN(TestAdminClientProtocol)
#include "tst_adminclientprotocol.moc"
