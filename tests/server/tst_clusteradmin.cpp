#include "admin/adminevent.h"
#include "admin/admineventbatch.h"
#include "admin/adminkeys.h"
#include "admin/adminsnapshotbatch.h"
#include "adminwsclient.h"
#include "clusterfixture.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int WaitMs = ClusterFixture::WaitMs;
constexpr int Nodes = 3;
constexpr const char *AdminToken = "cluster-admin-token-0123456789abcdef";

// What a monitor shows after applying an admin client's frames as herald-monitor does: the
// last complete snapshot, then every event received after the hello ("id@node" per session).
struct AdminView
{
    QSet<QString> sessions;
    bool snapshotDone = false;

    static AdminView of(const AdminWsClient &admin)
    {
        AdminView view;
        QSet<QString> assembling;
        QList<AdminEvent> events;
        for (const QJsonObject &frame : admin.frames()) {
            const QString type = frame.value(AdminKey::Type).toString();
            if (type == AdminType::Snapshot) {
                const auto batch = AdminSnapshotBatch::fromJson(frame);
                for (const AdminSessionRecord &record : batch->sessions)
                    assembling.insert(record.id + u'@' + record.node);
                if (batch->done) {
                    view.sessions = std::exchange(assembling, {});
                    view.snapshotDone = true;
                }
            } else if (type == AdminType::Events) {
                events.append(AdminEventBatch::fromJson(frame)->events);
            }
        }
        for (const AdminEvent &event : std::as_const(events)) {
            const QString key = event.session.id + u'@' + event.session.node;
            if (event.kind == AdminEvent::Kind::SessionOpened)
                view.sessions.insert(key);
            else if (event.kind == AdminEvent::Kind::SessionClosed)
                view.sessions.remove(key);
        }
        return view;
    }
};

QList<AdminEvent> eventsOf(const AdminWsClient &admin)
{
    QList<AdminEvent> events;
    for (const QJsonObject &frame : admin.framesOfType(AdminType::Events))
        events.append(AdminEventBatch::fromJson(frame)->events);
    return events;
}

// The node names in the last stats frame's "nodes".
QStringList statsNodes(const AdminWsClient &admin)
{
    const QList<QJsonObject> stats = admin.framesOfType(AdminType::Stats);
    QStringList names;
    if (stats.isEmpty())
        return names;
    for (const QJsonValue &node : stats.last().value(AdminKey::Nodes).toArray())
        names.append(node.toObject().value(AdminKey::Node).toString());
    return names;
}

} // namespace

// The admin channel of a cluster (README "Running several nodes", docs/admin-protocol.md
// "Clusters"): herald-monitor connected to any node sees every node's sessions, events and
// stats. Three real herald-server nodes on one real Redis, a real admin WebSocket.
class TestClusterAdmin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void snapshotHasEveryNodesSessions();
    void eventsOfEveryNode();
    void statsPerNode();
    void viewStaysExactWhileSessionsChurn();
    void lostAnnouncementsMakeClientsResync();
    void brokerDownAtConnectShowsThisNode();

private:
    std::unique_ptr<WsClient> connect(int node, const QString &user)
    {
        return m_cluster->connect(node, user);
    }
    std::unique_ptr<AdminWsClient> openAdmin(int node);
    ApiClient &api(int node) { return m_cluster->api(node); }

    std::unique_ptr<ClusterFixture> m_cluster;
};

void TestClusterAdmin::init()
{
    QProcessEnvironment env = ServerProcess::environmentWithSecrets();
    env.insert(u"HERALD_ADMIN_TOKEN"_s, QString::fromLatin1(AdminToken));
    m_cluster = std::make_unique<ClusterFixture>();
    QString error;
    QVERIFY2(m_cluster->start(Nodes, &error, {}, env), qPrintable(error));
}

void TestClusterAdmin::cleanup()
{
    m_cluster.reset();
}

std::unique_ptr<AdminWsClient> TestClusterAdmin::openAdmin(int node)
{
    QNetworkRequest request(
        QUrl(u"ws://127.0.0.1:%1/admin"_s.arg(m_cluster->node(node).apiPort())));
    request.setRawHeader("Authorization", QByteArray("Bearer ") + AdminToken);
    auto admin = std::make_unique<AdminWsClient>();
    admin->open(request);
    return admin;
}

void TestClusterAdmin::snapshotHasEveryNodesSessions()
{
    const auto onA = connect(0, u"alice"_s);
    const auto onB = connect(1, u"bob"_s);
    const auto onC = connect(2, u"carol"_s);
    QVERIFY(onA && onB && onC);
    const QSet<QString> expected{onA->sessionId() + u"@node-a"_s, onB->sessionId() + u"@node-b"_s,
                                 onC->sessionId() + u"@node-c"_s};
    // The registry is written every 100 ms: the first snapshot may miss a session, whose
    // event then follows; the view is whole either way.
    const auto admin = openAdmin(1);
    QTRY_COMPARE_WITH_TIMEOUT(AdminView::of(*admin).sessions, expected, WaitMs);
    QCOMPARE(admin->framesOfType(AdminType::Hello).first().value(u"store"_s).toString(),
             u"redis"_s);

    // A resync's total and snapshot are the cluster's too.
    admin->send({{u"type"_s, u"command"_s}, {u"id"_s, 1}, {u"command"_s, u"resync"_s}});
    QTRY_COMPARE_WITH_TIMEOUT(admin->framesOfType(AdminType::Result).size(), 1, WaitMs);
    const QJsonObject result = admin->framesOfType(AdminType::Result).first();
    QCOMPARE(result.value(AdminKey::Result).toObject().value(AdminKey::Total).toInt(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(admin->framesOfType(AdminType::Snapshot).last().value(u"done"_s),
                              QJsonValue(true), WaitMs);
    const std::optional<AdminSnapshotBatch> last
        = AdminSnapshotBatch::fromJson(admin->framesOfType(AdminType::Snapshot).last());
    QVERIFY(last);
    QSet<QString> resynced;
    for (const AdminSessionRecord &record : last->sessions)
        resynced.insert(record.id + u'@' + record.node);
    QCOMPARE(resynced, expected);
}

void TestClusterAdmin::eventsOfEveryNode()
{
    const auto admin = openAdmin(0);
    QTRY_VERIFY_WITH_TIMEOUT(AdminView::of(*admin).snapshotDone, WaitMs);
    // Pushes are announced while some node has an admin client: every node knows it once
    // its stats reach this one.
    QTRY_COMPARE_WITH_TIMEOUT(statsNodes(*admin),
                              (QStringList{u"node-a"_s, u"node-b"_s, u"node-c"_s}), WaitMs);

    auto onC = connect(2, u"dave"_s);
    QVERIFY(onC);
    const QString id = onC->sessionId();
    const auto has = [&](AdminEvent::Kind kind) {
        const QList<AdminEvent> events = eventsOf(*admin);
        return std::any_of(events.cbegin(), events.cend(), [&](const AdminEvent &event) {
            return event.kind == kind && event.session.id == id
                && event.session.node == u"node-c"_s;
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(has(AdminEvent::Kind::SessionOpened), WaitMs);

    QCOMPARE(api(1)
                 .post(u"/api/v1/notify"_s,
                       {{u"users"_s, QJsonArray{u"dave"_s}},
                        {u"event"_s, u"ping"_s},
                        {u"data"_s, QJsonObject{}}})
                 .status,
             202);
    const auto pushed = [&] {
        const QList<AdminEvent> events = eventsOf(*admin);
        return std::any_of(events.cbegin(), events.cend(), [](const AdminEvent &event) {
            return event.kind == AdminEvent::Kind::Notification && event.eventName == u"ping"_s
                && event.users == QStringList{u"dave"_s};
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(pushed(), WaitMs);

    onC->socket().close();
    QTRY_VERIFY_WITH_TIMEOUT(has(AdminEvent::Kind::SessionClosed), WaitMs);
    const QList<AdminEvent> events = eventsOf(*admin);
    const auto closed = std::find_if(events.cbegin(), events.cend(), [&](const AdminEvent &e) {
        return e.kind == AdminEvent::Kind::SessionClosed && e.session.id == id;
    });
    QCOMPARE(closed->closeCode, 1000);
}

void TestClusterAdmin::statsPerNode()
{
    const auto onA = connect(0, u"erin"_s);
    const auto onC = connect(2, u"frank"_s);
    const auto alsoOnC = connect(2, u"grace"_s);
    QVERIFY(onA && onC && alsoOnC);
    const auto admin = openAdmin(1);
    QTRY_COMPARE_WITH_TIMEOUT(statsNodes(*admin),
                              (QStringList{u"node-a"_s, u"node-b"_s, u"node-c"_s}), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(
        admin->framesOfType(AdminType::Stats).last().value(u"sessions"_s).toInt(), 3, WaitMs);
    const QJsonObject stats = admin->framesOfType(AdminType::Stats).last();
    QCOMPARE(stats.value(AdminKey::Node).toString(), u"node-b"_s);
    QCOMPARE(stats.value(u"users"_s).toInt(), 3);
    QList<int> perNode;
    for (const QJsonValue &node : stats.value(AdminKey::Nodes).toArray()) {
        const QJsonObject object = node.toObject();
        perNode.append(object.value(u"sessions"_s).toInt());
        QVERIFY(object.value(u"rss_bytes"_s).toDouble() > 0);
        QVERIFY(object.contains(u"pushes_per_s"_s));
    }
    QCOMPARE(perNode, (QList<int>{1, 0, 2}));

    // A node that stops is left out within three stats periods.
    QVERIFY(m_cluster->node(0).terminate());
    QTRY_COMPARE_WITH_TIMEOUT(statsNodes(*admin), (QStringList{u"node-b"_s, u"node-c"_s}), WaitMs);
}

// Sessions open and close on two other nodes while the admin client connects: its snapshot
// and the events it holds back meanwhile add up to exactly the live sessions.
void TestClusterAdmin::viewStaysExactWhileSessionsChurn()
{
    std::vector<std::unique_ptr<WsClient>> live;
    int opened = 0;
    const auto step = [&] {
        if (live.size() > 6 && QRandomGenerator::global()->bounded(2) == 0) {
            live.erase(live.begin()); // closes it
            return;
        }
        auto client = std::make_unique<WsClient>();
        client->open(m_cluster->wsUrl(1 + opened % 2, u"churn-%1"_s.arg(opened % 5)));
        live.push_back(std::move(client));
        ++opened;
    };
    QTimer churn;
    QObject::connect(&churn, &QTimer::timeout, this, step);
    churn.start(5);
    QTRY_VERIFY_WITH_TIMEOUT(opened >= 20, WaitMs);
    const auto admin = openAdmin(0);
    QTRY_VERIFY_WITH_TIMEOUT(AdminView::of(*admin).snapshotDone, WaitMs);
    const int openedAtSnapshot = opened;
    QTRY_VERIFY_WITH_TIMEOUT(opened >= openedAtSnapshot + 20, WaitMs);
    churn.stop();

    QSet<QString> expected;
    const auto settled = [&] {
        for (const auto &client : live) {
            if (!client->isConnected() || client->sessionId().isEmpty())
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(settled(), WaitMs);
    for (const auto &client : live) {
        const int node
            = client->socket().requestUrl().port() == m_cluster->node(1).wsPort() ? 1 : 2;
        expected.insert(client->sessionId() + u'@' + ClusterFixture::nodeName(node));
    }
    QTRY_COMPARE_WITH_TIMEOUT(AdminView::of(*admin).sessions, expected, WaitMs);
}

// Redis drops the admin subscription: clients are told the view is paused, then get an
// overflow event once it is back (herald-monitor resyncs on it).
void TestClusterAdmin::lostAnnouncementsMakeClientsResync()
{
    const auto admin = openAdmin(2);
    QTRY_VERIFY_WITH_TIMEOUT(AdminView::of(*admin).snapshotDone, WaitMs);
    QTcpSocket console;
    QVERIFY(m_cluster->redis().openConsole(console));
    QVERIFY(RedisProcess::command(console, {"CLIENT", "KILL", "TYPE", "pubsub"}).startsWith(":"));
    QTRY_VERIFY_WITH_TIMEOUT(!admin->framesOfType(AdminType::Error).isEmpty(), WaitMs);
    QCOMPARE(admin->framesOfType(AdminType::Error).first().value(AdminKey::Code).toString(),
             u"broker_unavailable"_s);
    const auto overflowed = [&] {
        const QList<AdminEvent> events = eventsOf(*admin);
        return std::any_of(events.cbegin(), events.cend(), [](const AdminEvent &event) {
            return event.kind == AdminEvent::Kind::Overflow;
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(overflowed(), WaitMs);

    // The view works again: a session opened now shows.
    const auto onA = connect(0, u"heidi"_s);
    QVERIFY(onA);
    admin->send({{u"type"_s, u"command"_s}, {u"id"_s, 1}, {u"command"_s, u"resync"_s}});
    QTRY_VERIFY_WITH_TIMEOUT(
        AdminView::of(*admin).sessions.contains(onA->sessionId() + u"@node-a"_s), WaitMs);
    QVERIFY(!admin->isClosed());
}

// Redis answers nothing when the admin client connects: after a few seconds it gets one
// broker_unavailable error and this node's sessions; once Redis is back, an overflow event
// (herald-monitor resyncs on it) and then the whole cluster.
void TestClusterAdmin::brokerDownAtConnectShowsThisNode()
{
    const auto onA = connect(0, u"ivan"_s);
    const auto onB = connect(1, u"judy"_s);
    QVERIFY(onA && onB);
    QVERIFY(m_cluster->redis().freeze());
    const auto admin = openAdmin(0);
    QTRY_VERIFY_WITH_TIMEOUT(AdminView::of(*admin).snapshotDone, WaitMs);
    QCOMPARE(AdminView::of(*admin).sessions, QSet<QString>{onA->sessionId() + u"@node-a"_s});
    QVERIFY(!admin->framesOfType(AdminType::Error).isEmpty());
    QCOMPARE(admin->framesOfType(AdminType::Error).first().value(AdminKey::Code).toString(),
             u"broker_unavailable"_s);
    // Told once that the view is paused, not again when the registry cannot be read either.
    for (const QJsonObject &error : admin->framesOfType(AdminType::Error))
        QVERIFY2(!error.value(AdminKey::Message).toString().contains(u"sessions only"_s),
                 qPrintable(error.value(AdminKey::Message).toString()));

    QVERIFY(m_cluster->redis().thaw());
    const auto overflowed = [&] {
        const QList<AdminEvent> events = eventsOf(*admin);
        return std::any_of(events.cbegin(), events.cend(), [](const AdminEvent &event) {
            return event.kind == AdminEvent::Kind::Overflow;
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(overflowed(), WaitMs);
    admin->send({{u"type"_s, u"command"_s}, {u"id"_s, 1}, {u"command"_s, u"resync"_s}});
    const QSet<QString> both{onA->sessionId() + u"@node-a"_s, onB->sessionId() + u"@node-b"_s};
    QTRY_COMPARE_WITH_TIMEOUT(AdminView::of(*admin).sessions, both, WaitMs);
}

QTEST_MAIN(TestClusterAdmin)
#include "tst_clusteradmin.moc"
