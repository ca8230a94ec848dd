#include "apiclient.h"
#include "redisprocess.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

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

const QStringList Users{u"alice"_s, u"bob"_s, u"zo\u00eb"_s};

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 s = from; s <= to; ++s)
        out.append(s);
    return out;
}

// What one run of herald-server --migrate-to-broker printed and returned.
struct Migration
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

// herald-server --migrate-to-broker (README "Running several nodes"): a single node's SQLite
// store, copied into a real Redis, is served by a node started with --broker exactly as the
// single node served it: the same history and seqs, unread counts and read cursors, the same
// epoch (a client resumes across the move) and the same idempotency answers. It refuses,
// writing nothing, when Redis already holds Herald data for those users or another epoch.
class TestMigrate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void brokerServesWhatTheNodeStored();
    void refusesUsersTheBrokerHoldsUnlessForced();
    void refusesAnotherEpochUnlessForced();
    void refusesWithoutAStore();

private:
    void fillSqliteNode();
    Migration migrate(const QStringList &extra = {});
    bool startBrokerNode();
    QJsonObject snapshot(ApiClient &api, const QString &user);
    QUrl wsUrl(const QString &user, qint64 since, const QString &epoch) const;
    QByteArray redis(const QList<QByteArray> &args) { return m_redis->command(args); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RedisProcess> m_redis;
    std::unique_ptr<ServerProcess> m_node;
    std::unique_ptr<ApiClient> m_api;
    QHash<QString, QJsonObject> m_before; // user -> what the SQLite node served
    QJsonObject m_keyedAnswer; // the SQLite node's answer to the push with a key
    int m_pushes = 0;
};

void TestMigrate::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_redis = std::make_unique<RedisProcess>();
    QString error;
    QVERIFY2(m_redis->start(&error), qPrintable(error));
    m_before.clear();
}

void TestMigrate::cleanup()
{
    m_api.reset();
    if (m_node)
        m_node->terminate();
    m_node.reset();
    m_redis.reset();
    m_dir.reset();
}

QJsonObject TestMigrate::snapshot(ApiClient &api, const QString &user)
{
    const QString path
        = u"/api/v1/users/%1/"_s.arg(QString::fromLatin1(QUrl::toPercentEncoding(user)));
    return {{u"unread"_s, api.get(path + u"unread"_s).json()},
            {u"history"_s, api.get(path + u"notifications?limit=100"_s).json()}};
}

// alice: 3 pushes, 2 read; bob: 2, one with an idempotency key, 1 read; zoë: 1, unread.
void TestMigrate::fillSqliteNode()
{
    ServerProcess node;
    QVERIFY2(node.start({u"--data-dir"_s, m_dir->filePath(u"data"_s), u"--drain-s"_s, u"0"_s},
                        ServerProcess::environmentWithSecrets()),
             node.log().constData());
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(node.apiPort())), ServerProcess::ApiKey);
    const auto push = [&](const QString &user, const QByteArray &key = {}) {
        const QJsonObject body{{u"users"_s, QJsonArray{user}},
                               {u"event"_s, u"e%1"_s.arg(++m_pushes)},
                               {u"data"_s, QJsonObject{{u"n"_s, m_pushes}}}};
        QList<QPair<QByteArray, QByteArray>> headers{{"Authorization", api.authorization()},
                                                     {"Content-Type", "application/json"}};
        if (!key.isEmpty())
            headers.append({"Idempotency-Key", key});
        return api.send("POST", u"/api/v1/notify"_s, QJsonDocument(body).toJson(), headers);
    };
    for (const QString &user : {u"alice"_s, u"bob"_s, u"alice"_s, u"zo\u00eb"_s, u"alice"_s})
        QCOMPARE(push(user).status, 202);
    const ApiClient::Reply keyed = push(u"bob"_s, "bob-key");
    QCOMPARE(keyed.status, 202);
    m_keyedAnswer = keyed.json();
    QCOMPARE(api.post(u"/api/v1/users/alice/read"_s, {{u"up_to"_s, 2}}).status, 200);
    QCOMPARE(api.post(u"/api/v1/users/bob/read"_s, {{u"up_to"_s, 1}}).status, 200);
    for (const QString &user : Users)
        m_before.insert(user, snapshot(api, user));
    QCOMPARE(m_before[u"alice"_s][u"unread"_s].toObject()[u"unread"_s].toInt(), 1);
    QCOMPARE(m_before[u"bob"_s][u"unread"_s].toObject()[u"seq"_s].toInt(), 2);
    QVERIFY(node.terminate());
}

Migration TestMigrate::migrate(const QStringList &extra)
{
    QProcess process;
    // No secrets: a migration serves nothing and needs none.
    process.setProcessEnvironment(ServerProcess::cleanEnvironment());
    process.start(ServerProcess::binary(),
                  QStringList{u"--migrate-to-broker"_s, u"--broker"_s, m_redis->url(),
                              u"--data-dir"_s, m_dir->filePath(u"data"_s)}
                      + extra);
    Migration result;
    if (!process.waitForFinished(WaitMs))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

bool TestMigrate::startBrokerNode()
{
    m_node = std::make_unique<ServerProcess>();
    if (!m_node->start({u"--broker"_s, m_redis->url(), u"--drain-s"_s, u"0"_s},
                       ServerProcess::environmentWithSecrets()))
        return false;
    m_api = std::make_unique<ApiClient>(QUrl(u"http://127.0.0.1:%1/"_s.arg(m_node->apiPort())),
                                        ServerProcess::ApiKey);
    return QTest::qWaitFor(
        [this] {
            return m_api->get(u"/healthz"_s).json().value(u"status"_s).toString() == u"ok"_s;
        },
        WaitMs);
}

QUrl TestMigrate::wsUrl(const QString &user, qint64 since, const QString &epoch) const
{
    const QByteArray token = TokenSigner(ServerProcess::Secret)
                                 .sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
    QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(m_node->wsPort()));
    url.setQuery(QUrlQuery{{u"token"_s, QString::fromLatin1(token)},
                           {u"since"_s, QString::number(since)},
                           {u"epoch"_s, epoch}});
    return url;
}

void TestMigrate::brokerServesWhatTheNodeStored()
{
    fillSqliteNode();
    if (QTest::currentTestFailed())
        return;
    const Migration done = migrate();
    QVERIFY2(done.exitCode == 0, done.err.constData());
    QVERIFY2(done.out.contains("migrated 3 users, 6 notifications and 1 idempotency keys"),
             done.out.constData());
    QVERIFY(startBrokerNode());
    for (const QString &user : Users)
        QCOMPARE(snapshot(*m_api, user), m_before.value(user));

    // A client of the single node resumes on the broker's node: same epoch, same seqs.
    const QString epoch = m_before[u"alice"_s][u"unread"_s].toObject()[u"epoch"_s].toString();
    WsClient alice;
    QVERIFY(alice.connectAndWelcome(wsUrl(u"alice"_s, 1, epoch), WaitMs));
    QCOMPARE(alice.welcome().position.epoch, epoch);
    QTRY_COMPARE_WITH_TIMEOUT(alice.seqs(), range(2, 3), WaitMs);
    const QList<ServerFrame> resumed = alice.framesOfType(ServerFrame::Type::Resumed);
    QCOMPARE(resumed.size(), 1);
    QVERIFY(resumed.first().ok);
    // New pushes continue the streams.
    const ApiClient::Reply next
        = m_api->post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"alice"_s, u"zo\u00eb"_s}}});
    QCOMPARE(next.status, 202);
    QCOMPARE(next.json().value(u"seq"_s).toObject(),
             QJsonObject({{u"alice"_s, 4}, {u"zo\u00eb"_s, 2}}));
    QTRY_COMPARE_WITH_TIMEOUT(alice.seqs(), range(2, 4), WaitMs);

    // The idempotency key came along: a retry replays the single node's answer.
    QList<QPair<QByteArray, QByteArray>> headers{{"Authorization", m_api->authorization()},
                                                 {"Content-Type", "application/json"},
                                                 {"Idempotency-Key", "bob-key"}};
    const ApiClient::Reply retried
        = m_api->send("POST", u"/api/v1/notify"_s, R"({"users":["bob"],"event":"again"})", headers);
    QCOMPARE(retried.status, 202);
    QCOMPARE(retried.json().value(u"id"_s), m_keyedAnswer.value(u"id"_s));
    QCOMPARE(retried.json().value(u"seq"_s), m_keyedAnswer.value(u"seq"_s));
    QCOMPARE(snapshot(*m_api, u"bob"_s), m_before.value(u"bob"_s));
}

void TestMigrate::refusesUsersTheBrokerHoldsUnlessForced()
{
    fillSqliteNode();
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(migrate().exitCode, 0);
    // Redis moves on: bob's read cursor is not the store's any more.
    QCOMPARE(redis({"HSET", "herald:u:bob", "read", "0"}), ":0\r\n");
    const QByteArray keys = redis({"DBSIZE"});

    const Migration refused = migrate();
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains("already holds Herald data"), refused.err.constData());
    QVERIFY2(refused.err.contains("user 'bob'"), refused.err.constData());
    QVERIFY2(refused.err.contains("idempotency key 'bob-key'"), refused.err.constData());
    QVERIFY(refused.out.isEmpty());
    QCOMPARE(redis({"HGET", "herald:u:bob", "read"}), "$1\r\n0\r\n");
    QCOMPARE(redis({"DBSIZE"}), keys);

    const Migration forced = migrate({u"--migrate-force"_s});
    QVERIFY2(forced.exitCode == 0, forced.err.constData());
    QCOMPARE(redis({"HGET", "herald:u:bob", "read"}), "$1\r\n1\r\n");
}

// A broker some nodes already ran on has its own epoch: the store's would break their
// clients, so the copy is refused; forced, it keeps the broker's and this store's clients
// reload instead of resuming.
void TestMigrate::refusesAnotherEpochUnlessForced()
{
    fillSqliteNode();
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(redis({"SET", "herald:epoch", "cluster-epoch"}), "+OK\r\n");
    const Migration refused = migrate();
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains("its epoch cluster-epoch"), refused.err.constData());
    QCOMPARE(redis({"DBSIZE"}), ":1\r\n");

    const Migration forced = migrate({u"--migrate-force"_s});
    QVERIFY2(forced.exitCode == 0, forced.err.constData());
    QVERIFY2(forced.out.contains("the broker's epoch cluster-epoch kept"), forced.out.constData());
    QCOMPARE(redis({"GET", "herald:epoch"}), "$13\r\ncluster-epoch\r\n");
    QVERIFY(startBrokerNode());
    const QJsonObject alice = snapshot(*m_api, u"alice"_s);
    QCOMPARE(alice.value(u"unread"_s).toObject().value(u"epoch"_s).toString(), u"cluster-epoch"_s);
    QCOMPARE(alice.value(u"history"_s).toObject().value(u"notifications"_s),
             m_before.value(u"alice"_s).value(u"history"_s).toObject().value(u"notifications"_s));
}

void TestMigrate::refusesWithoutAStore()
{
    const Migration failed = migrate();
    QCOMPARE(failed.exitCode, 1);
    QVERIFY2(failed.err.contains("there is no SQLite store at"), failed.err.constData());
    QCOMPARE(redis({"DBSIZE"}), ":0\r\n");
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"data/herald.sqlite3"_s)));
}

QTEST_GUILESS_MAIN(TestMigrate)
#include "tst_migrate.moc"
