#include "apiclient.h"
#include "redisprocess.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int WaitMs = 30000; // a busy two-core machine runs several suites at once
constexpr int ReplicaTimeoutMs = 1000;

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 s = from; s <= to; ++s)
        out.append(s);
    return out;
}

} // namespace

// broker_min_replicas (README "Running several nodes"): a node on a real Redis with one real
// replica answers a push 202 only once the replica has it; with the replica stopped, pushes
// get 503 replicas_unavailable within broker_replica_timeout (stored on the master all the
// same), a retry with the same idempotency key never gets a false 202, the rest of the node
// keeps working, and once the replica is back pushes and that retry get 202.
class TestBrokerReplicas : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void pushWaitsForTheReplica();
    void missingReplicaRefusesPushesUntilItIsBack();
    void retryOnAnotherNodeWaitsForTheFirstPush();

private:
    bool startReplica(quint16 port = 0);
    ApiClient::Reply notify(const QString &user, const QByteArray &key = {});
    static ApiClient::Reply notify(ApiClient &api, const QString &user, const QByteArray &key,
                                   int n);
    qint64 streamSize(const RedisProcess &redis, const QByteArray &user) const;
    std::unique_ptr<WsClient> connect(const QString &user);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RedisProcess> m_master;
    std::unique_ptr<RedisProcess> m_replica;
    std::unique_ptr<ServerProcess> m_node;
    std::unique_ptr<ApiClient> m_api;
    int m_pushes = 0;
};

void TestBrokerReplicas::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_master = std::make_unique<RedisProcess>();
    QString error;
    QVERIFY2(m_master->start(&error), qPrintable(error));
    QVERIFY(startReplica());
    m_node = std::make_unique<ServerProcess>();
    QVERIFY2(m_node->start({u"--broker"_s, m_master->url(), u"--broker-min-replicas"_s, u"1"_s,
                            u"--broker-replica-timeout"_s, u"%1ms"_s.arg(ReplicaTimeoutMs),
                            u"--drain-s"_s, u"0"_s},
                           ServerProcess::environmentWithSecrets()),
             m_node->log().constData());
    m_api = std::make_unique<ApiClient>(QUrl(u"http://127.0.0.1:%1/"_s.arg(m_node->apiPort())),
                                        ServerProcess::ApiKey);
    QVERIFY(QTest::qWaitFor(
        [this] {
            return m_api->get(u"/healthz"_s).json().value(u"status"_s).toString() == u"ok"_s;
        },
        WaitMs));
}

void TestBrokerReplicas::cleanup()
{
    m_api.reset();
    if (m_node)
        m_node->terminate();
    m_node.reset();
    m_replica.reset();
    m_master.reset();
    m_dir.reset();
}

bool TestBrokerReplicas::startReplica(quint16 port)
{
    m_replica = std::make_unique<RedisProcess>();
    QString error;
    if (!m_replica->startReplica(&error, m_master->port(), m_dir->path(), port)) {
        qWarning("replica: %s", qPrintable(error));
        return false;
    }
    return QTest::qWaitFor([this] { return m_replica->isSynced(); }, WaitMs);
}

ApiClient::Reply TestBrokerReplicas::notify(const QString &user, const QByteArray &key)
{
    return notify(*m_api, user, key, ++m_pushes);
}

ApiClient::Reply TestBrokerReplicas::notify(ApiClient &api, const QString &user,
                                            const QByteArray &key, int n)
{
    const QJsonObject body{{u"users"_s, QJsonArray{user}}, {u"data"_s, QJsonObject{{u"n"_s, n}}}};
    QList<QPair<QByteArray, QByteArray>> headers{{"Authorization", api.authorization()},
                                                 {"Content-Type", "application/json"}};
    if (!key.isEmpty())
        headers.append({"Idempotency-Key", key});
    return api.send("POST", u"/api/v1/notify"_s, QJsonDocument(body).toJson(), headers);
}

qint64 TestBrokerReplicas::streamSize(const RedisProcess &redis, const QByteArray &user) const
{
    const QByteArray reply = redis.command({"ZCARD", "herald:s:" + user});
    return reply.startsWith(':') ? reply.mid(1).trimmed().toLongLong() : -1;
}

std::unique_ptr<WsClient> TestBrokerReplicas::connect(const QString &user)
{
    const QByteArray token = TokenSigner(ServerProcess::Secret)
                                 .sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
    QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(m_node->wsPort()));
    url.setQuery(QUrlQuery{{u"token"_s, QString::fromLatin1(token)}});
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(url, WaitMs))
        return nullptr;
    return client;
}

void TestBrokerReplicas::pushWaitsForTheReplica()
{
    for (int i = 1; i <= 3; ++i) {
        const ApiClient::Reply reply = notify(u"alice"_s);
        QCOMPARE(reply.status, 202);
        QCOMPARE(reply.json().value(u"seq"_s).toObject().value(u"alice"_s).toInteger(), i);
        // The replica acknowledged it before the 202: it has it now.
        QCOMPARE(streamSize(*m_replica, "alice"), i);
    }
    QCOMPARE(m_api->get(u"/api/v1/stats"_s).json().value(u"replica_shortfalls"_s).toInteger(), 0);
}

void TestBrokerReplicas::missingReplicaRefusesPushesUntilItIsBack()
{
    const auto session = connect(u"bob"_s);
    QVERIFY(session);
    QCOMPARE(notify(u"bob"_s).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(session->seqs(), range(1, 1), WaitMs);

    const quint16 replicaPort = m_replica->port();
    QVERIFY(m_replica->stop());
    QElapsedTimer clock;
    clock.start();
    const ApiClient::Reply refused = notify(u"bob"_s, "retry-me");
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), u"replicas_unavailable"_s);
    QVERIFY2(clock.elapsed() >= ReplicaTimeoutMs - 50, "answered before WAIT's timeout");
    QVERIFY2(clock.elapsed() < WaitMs, "not answered within the replica timeout");
    const QString message
        = refused.json().value(u"error"_s).toObject().value(u"message"_s).toString();
    QVERIFY2(message.contains(u"0 of the 1 replicas"_s), qPrintable(message));
    // Stored on the master and published all the same: the session got it.
    QTRY_COMPARE_WITH_TIMEOUT(session->seqs(), range(1, 2), WaitMs);
    // The retry with the same key replays the push, and is not acknowledged either.
    const ApiClient::Reply retried = notify(u"bob"_s, "retry-me");
    QCOMPARE(retried.status, 503);
    QCOMPARE(retried.errorCode(), u"replicas_unavailable"_s);

    // Nothing else breaks: reads, live pushes, health, the session.
    const ApiClient::Reply unread = m_api->get(u"/api/v1/users/bob/unread"_s);
    QCOMPARE(unread.status, 200);
    QCOMPARE(unread.json().value(u"seq"_s).toInteger(), 2);
    const QJsonObject live{{u"users"_s, QJsonArray{u"carol"_s}}, {u"store"_s, false}};
    QCOMPARE(m_api->post(u"/api/v1/notify"_s, live).status, 202);
    QCOMPARE(m_api->get(u"/healthz"_s).status, 200);
    QVERIFY(session->isConnected());
    QCOMPARE(m_api->get(u"/api/v1/stats"_s).json().value(u"replica_shortfalls"_s).toInteger(), 2);
    QVERIFY(m_api->get(u"/metrics"_s).body.contains("\nherald_replica_shortfalls_total 2\n"));

    QVERIFY(startReplica(replicaPort));
    const ApiClient::Reply replayed = notify(u"bob"_s, "retry-me");
    QCOMPARE(replayed.status, 202);
    QCOMPARE(replayed.json().value(u"seq"_s).toObject().value(u"bob"_s).toInteger(), 2);
    const ApiClient::Reply next = notify(u"bob"_s);
    QCOMPARE(next.status, 202);
    QCOMPARE(next.json().value(u"seq"_s).toObject().value(u"bob"_s).toInteger(), 3);
    QCOMPARE(streamSize(*m_replica, "bob"), 3);
    QTRY_COMPARE_WITH_TIMEOUT(session->seqs(), range(1, 3), WaitMs);
    // Logged once when the replicas fell short and once when they were back.
    const QByteArray log = m_node->log();
    QCOMPARE(log.count("pushes answered 503 replicas_unavailable"), 1);
    QCOMPARE(log.count("replicas acknowledge the pushes again"), 1);
}

// A retry that reaches another node must not be answered 202 while the first push, which the
// first node committed, is on no replica yet, although that node's connection never wrote it.
// (Redis 7.0's WAIT counts up to the master's offset at the connection's last command of any
// kind; the append script's rewrite of a replayed key keeps this true where it would not.)
void TestBrokerReplicas::retryOnAnotherNodeWaitsForTheFirstPush()
{
    ServerProcess other;
    QVERIFY2(other.start({u"--broker"_s, m_master->url(), u"--broker-min-replicas"_s, u"1"_s,
                          u"--broker-replica-timeout"_s, u"%1ms"_s.arg(ReplicaTimeoutMs),
                          u"--drain-s"_s, u"0"_s},
                         ServerProcess::environmentWithSecrets()),
             other.log().constData());
    ApiClient otherApi(QUrl(u"http://127.0.0.1:%1/"_s.arg(other.apiPort())), ServerProcess::ApiKey);
    // The other node's connection has written before, and the replica has that.
    QCOMPARE(notify(otherApi, u"dan"_s, {}, ++m_pushes).status, 202);

    // A frozen replica stays connected but acknowledges nothing more.
    QVERIFY(m_replica->freeze());
    const ApiClient::Reply first = notify(u"erin"_s, "erin-key");
    QCOMPARE(first.status, 503);
    QCOMPARE(first.errorCode(), u"replicas_unavailable"_s);
    const ApiClient::Reply retried = notify(otherApi, u"erin"_s, "erin-key", ++m_pushes);
    QCOMPARE(retried.status, 503);
    QCOMPARE(retried.errorCode(), u"replicas_unavailable"_s);

    QVERIFY(m_replica->thaw());
    const ApiClient::Reply replayed = notify(otherApi, u"erin"_s, "erin-key", ++m_pushes);
    QCOMPARE(replayed.status, 202);
    QCOMPARE(replayed.json().value(u"seq"_s).toObject().value(u"erin"_s).toInteger(), 1);
    QCOMPARE(streamSize(*m_replica, "erin"), 1);
    QVERIFY(other.terminate());
}

QTEST_GUILESS_MAIN(TestBrokerReplicas)
#include "tst_brokerreplicas.moc"
