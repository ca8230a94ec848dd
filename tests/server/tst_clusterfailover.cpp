#include "apiclient.h"
#include "pushstream.h"
#include "redisprocess.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <csignal>
#include <functional>
#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int WaitMs = 30000; // a busy two-core machine runs several suites at once
constexpr int Nodes = 3;
constexpr int A = 0; // takes the pushes
constexpr int B = 1; // holds the session that fails over
constexpr int C = 2; // where it resumes

// (seq, n) of each notification a session got, in the order it got them: n is the push's
// data {"n": n}, so a seq delivered with another push's data shows too.
QList<QPair<qint64, int>> received(const WsClient &client)
{
    QList<QPair<qint64, int>> out;
    for (const ServerFrame &frame : client.framesOfType(ServerFrame::Type::Notification))
        out.append({frame.seq, frame.notification.data.toObject().value(u"n"_s).toInt()});
    return out;
}

// (seq, n) of each push answered 202, in push order.
QList<QPair<qint64, int>> accepted(const PushStream &pushes)
{
    QList<QPair<qint64, int>> out;
    for (const PushStream::Answer &answer : pushes.accepted())
        out.append({answer.seq, answer.n});
    return out;
}

QString describe(const QList<QPair<qint64, int>> &entries)
{
    QStringList out;
    for (const auto &[seq, n] : entries)
        out.append(u"%1:n%2"_s.arg(seq).arg(n));
    return out.join(u' ');
}

} // namespace

// Nodes that die or restart while pushes go on (issue 14, faults): three real herald-server
// nodes on one real Redis. A session on a node killed with kill -9 or restarted (SIGTERM:
// drain, close 1012) resumes on another node with its last seq and gets every push that was
// answered 202 exactly once, in seq order. A Redis stopped and started again during pushes
// refuses them with 503 broker_unavailable, never answers a false 202, and every 202'd push
// is delivered and stored exactly once afterwards.
class TestClusterFailover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void killMidStreamResumesOnAnotherNode();
    void restartClosesWith1012AndResumesElsewhere();
    void redisRestartDuringPushesLosesNothing();
    void historyWhileBrokerDownIsRefused();

private:
    bool startNodes();
    bool allSubscribed();
    QUrl wsUrl(int node, const QString &user, qint64 since = -1, const QString &epoch = {}) const;
    QUrl apiUrl(int node) const;
    std::unique_ptr<WsClient> connect(int node, const QString &user);
    void failOver(const QString &user, const std::function<void()> &stopB);

    std::unique_ptr<QTemporaryDir> m_dir; // Redis's append-only file
    std::unique_ptr<RedisProcess> m_redis;
    std::vector<std::unique_ptr<ServerProcess>> m_nodes;
    std::vector<std::unique_ptr<ApiClient>> m_apis;
};

void TestClusterFailover::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_redis = std::make_unique<RedisProcess>();
    QString error;
    // Persistent, so that a restart of Redis keeps the cluster's data.
    QVERIFY2(m_redis->start(&error, 0, m_dir->path()), qPrintable(error));
    QVERIFY(startNodes());
}

void TestClusterFailover::cleanup()
{
    m_apis.clear();
    for (auto &node : m_nodes) {
        if (node->process().state() != QProcess::NotRunning)
            node->kill();
    }
    m_nodes.clear();
    m_redis.reset();
    m_dir.reset();
}

bool TestClusterFailover::startNodes()
{
    for (int i = 0; i < Nodes; ++i) {
        auto node = std::make_unique<ServerProcess>();
        if (!node->start({u"--broker"_s, m_redis->url(), u"--drain-s"_s, u"0"_s},
                         ServerProcess::environmentWithSecrets())) {
            qWarning("node %d did not start: %s", i, node->log().constData());
            return false;
        }
        m_nodes.push_back(std::move(node));
        m_apis.push_back(std::make_unique<ApiClient>(apiUrl(i), ServerProcess::ApiKey));
    }
    // A node delivers only once its subscription to the shards is in place.
    return QTest::qWaitFor([this] { return allSubscribed(); }, WaitMs);
}

bool TestClusterFailover::allSubscribed()
{
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i]->process().state() == QProcess::NotRunning)
            continue;
        const QJsonObject health = m_apis[i]->get(u"/healthz"_s).json();
        if (!health.value(u"store"_s).toObject().value(u"ok"_s).toBool())
            return false;
    }
    return true;
}

QUrl TestClusterFailover::wsUrl(int node, const QString &user, qint64 since,
                                const QString &epoch) const
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

QUrl TestClusterFailover::apiUrl(int node) const
{
    return QUrl(u"http://127.0.0.1:%1/"_s.arg(m_nodes[size_t(node)]->apiPort()));
}

std::unique_ptr<WsClient> TestClusterFailover::connect(int node, const QString &user)
{
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(wsUrl(node, user), WaitMs))
        return nullptr;
    return client;
}

// A session on B gets pushes made through A; stopB() takes B away in the middle while the
// pushes go on; the session resumes on C from the last seq it got. Between the two
// connections it must have every 202'd push once, in seq order, and nothing else.
void TestClusterFailover::failOver(const QString &user, const std::function<void()> &stopB)
{
    auto onB = connect(B, user);
    QVERIFY(onB);
    const QString epoch = onB->welcome().position.epoch;
    PushStream pushes(apiUrl(A), ServerProcess::ApiKey, user);
    pushes.start();
    QTRY_VERIFY_WITH_TIMEOUT(onB->seqs().size() >= 10, WaitMs);

    stopB();
    QTRY_VERIFY_WITH_TIMEOUT(onB->isClosed(), WaitMs);
    const QList<QPair<qint64, int>> beforeStop = received(*onB);
    // The session is away while pushes go on: the resume has something to replay.
    const qsizetype closedAt = pushes.answers().size();
    QTRY_VERIFY_WITH_TIMEOUT(pushes.answers().size() >= closedAt + 5, WaitMs);
    WsClient onC;
    onC.open(wsUrl(C, user, beforeStop.last().first, epoch));
    QTRY_VERIFY_WITH_TIMEOUT(!onC.framesOfType(ServerFrame::Type::Welcome).isEmpty(), WaitMs);
    QCOMPARE(onC.welcome().position.epoch, epoch);
    const qsizetype resumedAt = pushes.answers().size();
    QTRY_VERIFY_WITH_TIMEOUT(pushes.answers().size() >= resumedAt + 10, WaitMs);
    pushes.stop();
    QTRY_VERIFY_WITH_TIMEOUT(pushes.isIdle(), WaitMs);

    // A and Redis stayed up: every push was accepted, the seqs follow each other.
    QCOMPARE(pushes.count(202), pushes.answers().size());
    const QList<QPair<qint64, int>> all = accepted(pushes);
    QCOMPARE(all.last().first, qint64(all.size()));
    QTRY_COMPARE_WITH_TIMEOUT(beforeStop + received(onC), all, WaitMs);
    QVERIFY(onC.isConnected());
    const QList<ServerFrame> resumed = onC.framesOfType(ServerFrame::Type::Resumed);
    QCOMPARE(resumed.size(), 1);
    QVERIFY(resumed.first().ok);
    qInfo("%lld pushes, %lld of them before the session was back on C", qlonglong(all.size()),
          qlonglong(resumedAt));
}

void TestClusterFailover::killMidStreamResumesOnAnotherNode()
{
    failOver(u"ivan"_s, [this] { m_nodes[B]->kill(); });
}

// SIGTERM drains B: its sessions are closed with 1012 "service restart" (QWebSocket 6.4
// reports 1012 as 1002, so the code is read from B's log; herald.js's tests read it on the
// wire), after every push B accepted is in Redis.
void TestClusterFailover::restartClosesWith1012AndResumesElsewhere()
{
    failOver(u"judy"_s, [this] { ::kill(pid_t(m_nodes[B]->process().processId()), SIGTERM); });
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE_WITH_TIMEOUT(m_nodes[B]->process().state(), QProcess::NotRunning, WaitMs);
    QCOMPARE(m_nodes[B]->process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_nodes[B]->process().exitCode(), 0);
    const QByteArray log = m_nodes[B]->log();
    QVERIFY2(log.contains("draining: 1 sessions to close with 1012"), log.constData());
}

// Sessions of one user on B and C; pushes through A go on while Redis stops and starts
// again (on the same port, with its append-only file).
void TestClusterFailover::redisRestartDuringPushesLosesNothing()
{
    const QString user = u"olga"_s;
    const auto onB = connect(B, user);
    const auto onC = connect(C, user);
    QVERIFY(onB && onC);
    PushStream pushes(apiUrl(A), ServerProcess::ApiKey, user);
    pushes.start();
    QTRY_VERIFY_WITH_TIMEOUT(onB->seqs().size() >= 5 && onC->seqs().size() >= 5, WaitMs);

    const quint16 port = m_redis->port();
    QVERIFY(m_redis->stop());
    const int refusedBefore = pushes.count(503);
    QTRY_VERIFY_WITH_TIMEOUT(pushes.count(503) >= refusedBefore + 3, WaitMs);
    QVERIFY(onB->isConnected() && onC->isConnected());
    QString error;
    QVERIFY2(m_redis->start(&error, port, m_dir->path()), qPrintable(error));
    QVERIFY(QTest::qWaitFor([this] { return allSubscribed(); }, WaitMs));
    const int acceptedBefore = pushes.count(202);
    QTRY_VERIFY_WITH_TIMEOUT(pushes.count(202) >= acceptedBefore + 10, WaitMs);
    pushes.stop();
    QTRY_VERIFY_WITH_TIMEOUT(pushes.isIdle(), WaitMs);

    // Nothing but 202 or 503 broker_unavailable.
    for (const PushStream::Answer &answer : pushes.answers()) {
        if (answer.status != 202) {
            QCOMPARE(answer.status, 503);
            QCOMPARE(answer.errorCode, u"broker_unavailable"_s);
        }
    }
    // Each 202'd push is stored once: no false 202. (A push answered 503 may still have
    // been stored when Redis went away between running the script and answering: a 503
    // promises nothing; the data n tells such a push apart.)
    // Read through A, whose connection to Redis is back (it answered the last 202s): a node
    // still waiting out its reconnect backoff answers 503 (historyWhileBrokerDownIsRefused).
    const QJsonObject page
        = m_apis[A]->get(u"/api/v1/users/%1/notifications?limit=1000"_s.arg(user)).json();
    QList<QPair<qint64, int>> stored;
    for (const QJsonValue &item : page.value(u"notifications"_s).toArray()) {
        const QJsonObject n = item.toObject();
        stored.prepend(
            {n.value(u"seq"_s).toInteger(), n.value(u"data"_s).toObject().value(u"n"_s).toInt()});
    }
    QList<QPair<qint64, int>> storedAccepted;
    for (const auto &entry : stored) {
        QVERIFY(entry.second >= 1 && entry.second <= pushes.answers().size());
        if (pushes.answers().at(entry.second - 1).status == 202)
            storedAccepted.append(entry);
    }
    const QList<QPair<qint64, int>> all = accepted(pushes);
    QCOMPARE(storedAccepted, all);
    // Each session gets every stored push once, in seq order: live, or, where its node
    // missed one while its subscription was away, through a resume (the node closes a
    // session whose next seq skips one with 1013, which Qt reports as 1002).
    const QString epoch = onB->welcome().position.epoch;
    for (const auto &[node, session] : {std::pair{B, onB.get()}, std::pair{C, onC.get()}}) {
        const auto caughtUp = [&stored](const WsClient &client) {
            const QList<QPair<qint64, int>> got = received(client);
            return !got.isEmpty() && got.last() == stored.last();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!session->isConnected() || caughtUp(*session), WaitMs);
        QList<QPair<qint64, int>> got = received(*session);
        const bool resumed = !session->isConnected();
        if (resumed) {
            // As a client does: a node whose store connection is still waiting out its
            // backoff closes a new session with 1013 (try again).
            std::unique_ptr<WsClient> again;
            for (QDeadlineTimer deadline(WaitMs); !again && !deadline.hasExpired();) {
                again = std::make_unique<WsClient>();
                if (!again->connectAndWelcome(
                        wsUrl(node, user, got.isEmpty() ? 0 : got.last().first, epoch), WaitMs))
                    again.reset();
            }
            QVERIFY(again);
            QTRY_VERIFY_WITH_TIMEOUT(caughtUp(*again), WaitMs);
            got += received(*again);
        }
        QVERIFY2(got == stored, qPrintable(describe(got)));
        qInfo("%lld pushes: %d accepted, %d refused; a session got all %lld stored%s",
              qlonglong(pushes.answers().size()), pushes.count(202), pushes.count(503),
              qlonglong(got.size()), resumed ? ", with a resume after a gap" : " live");
    }
}

// While a node cannot reach Redis its reads answer 503 store_unavailable, never an empty
// inbox or a stream at seq 0: the notifications, the user's state.
void TestClusterFailover::historyWhileBrokerDownIsRefused()
{
    const QString path = u"/api/v1/users/paul/notifications"_s;
    QCOMPARE(m_apis[A]
                 ->post(u"/api/v1/notify"_s,
                        {{u"users"_s, QJsonArray{u"paul"_s}}, {u"data"_s, QJsonObject{}}})
                 .status,
             202);
    QCOMPARE(m_apis[C]->get(path).json().value(u"notifications"_s).toArray().size(), 1);
    QVERIFY(m_redis->stop());
    for (const QString &read : {path, u"/api/v1/users/paul/unread"_s}) {
        const ApiClient::Reply reply = m_apis[C]->get(read);
        QCOMPARE(reply.status, 503);
        QCOMPARE(reply.errorCode(), u"store_unavailable"_s);
    }
}

QTEST_GUILESS_MAIN(TestClusterFailover)
#include "tst_clusterfailover.moc"
