#include "admin/adminkeys.h"
#include "adminwsclient.h"
#include "apiclient.h"
#include "rawclient.h"
#include "serverfixture.h"
#include "serverprocess.h"
#include "servertestmain.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QFile>
#include <QJsonArray>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// Reloading the real binary's configuration (README, "Reloading"): SIGHUP or the admin
// command reload re-reads the INI file and the secret files, applies what can change live
// to what comes next, keeps every session open, logs a restart-only change and keeps its
// running value, and refuses a bad file whole.
class TestReload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hundredSessionsSurviveLoweredLimits();
    void badFileKeepsTheRunningConfiguration();
    void restartOnlyChangeKeepsTheListener();
    void rotatedSecretTakesOverNewSessions();
    void heartbeatChangeReachesNewSessions();
    void adminCommandReloads();
    void inProcessReloadLimitsSessionsAndOrigins();
};

namespace {

constexpr int WaitMs = 30000; // a busy two-core machine runs several suites at once
const QByteArray SecretA = "reload-test-secret-a-0123456789abcdefghij";
const QByteArray SecretB = "reload-test-secret-b-0123456789abcdefghij";
const QByteArray AdminToken = "reload-test-admin-token-0123456789";

// A port nothing listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// herald-server with its settings in an INI file that the test rewrites, then reloads.
class ReloadableServer
{
public:
    explicit ReloadableServer(const QStringList &settings)
    {
        writeFile(u"secret"_s, SecretA);
        writeFile(u"admin-token"_s, AdminToken);
        write(settings);
    }

    // The secret file, the store, no drain at the end, and the given settings.
    void write(const QStringList &settings)
    {
        const QStringList lines
            = QStringList{u"secret_file = secret"_s, u"store = memory"_s, u"drain_s = 0"_s}
            + settings;
        writeFile(u"herald.conf"_s, lines.join(u'\n').toUtf8() + '\n');
    }

    void writeFile(const QString &name, const QByteArray &contents)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(contents), contents.size());
    }

    bool start(ServerProcess::Ports ports = ServerProcess::Ports::Free)
    {
        QProcessEnvironment env = ServerProcess::cleanEnvironment();
        env.insert(u"HERALD_API_KEY"_s, QString::fromLatin1(ServerProcess::ApiKey));
        return m_process.start({u"--config"_s, m_dir.filePath(u"herald.conf"_s)}, env, ports);
    }

    // Sends SIGHUP and waits for the line that ends the reload, applied or refused.
    bool reload()
    {
        const qsizetype before = reloadLines();
        if (::kill(pid_t(m_process.process().processId()), SIGHUP) != 0)
            return false;
        return QTest::qWaitFor([&] { return reloadLines() > before; }, WaitMs);
    }

    qsizetype reloadLines()
    {
        const QByteArray log = m_process.log();
        return log.count("configuration reloaded") + log.count("configuration reload refused");
    }

    QUrl wsUrl(const QString &user, const QByteArray &secret = SecretA) const
    {
        const QByteArray token
            = TokenSigner(secret).sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
        return QUrl(u"ws://127.0.0.1:%1/ws?token=%2"_s.arg(m_process.wsPort())
                        .arg(QString::fromLatin1(token)));
    }

    ApiClient &api()
    {
        if (!m_api) {
            m_api = std::make_unique<ApiClient>(
                QUrl(u"http://127.0.0.1:%1/"_s.arg(m_process.apiPort())), ServerProcess::ApiKey);
        }
        return *m_api;
    }

    int notify(const QString &user, qsizetype dataBytes = 10)
    {
        const QJsonObject body{{u"users"_s, QJsonArray{user}},
                               {u"data"_s, QJsonObject{{u"text"_s, QString(dataBytes, u'x')}}}};
        return api().post(u"/api/v1/notify"_s, body).status;
    }

    double metric(const QString &series)
    {
        const QByteArray text = api().get(u"/metrics"_s).body;
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith(series.toUtf8() + ' '))
                return line.mid(series.size() + 1).toDouble();
        }
        return -1;
    }

    ServerProcess &process() { return m_process; }

private:
    QTemporaryDir m_dir;
    ServerProcess m_process;
    std::unique_ptr<ApiClient> m_api;
};

using Clients = std::vector<std::unique_ptr<WsClient>>;

// Opens a session per user name, all at once, and waits for every welcome.
bool openSessions(ReloadableServer &server, const QStringList &users, Clients &clients)
{
    for (const QString &user : users) {
        clients.push_back(std::make_unique<WsClient>());
        clients.back()->open(server.wsUrl(user));
    }
    return QTest::qWaitFor(
               [&] {
                   return std::all_of(clients.cbegin(), clients.cend(), [](const auto &client) {
                       return client->isClosed() || !client->sessionId().isEmpty();
                   });
               },
               WaitMs)
        && std::none_of(clients.cbegin(), clients.cend(),
                        [](const auto &client) { return client->isClosed(); });
}

bool noneClosed(const Clients &clients)
{
    return std::none_of(clients.cbegin(), clients.cend(),
                        [](const auto &client) { return client->isClosed(); });
}

// A further session of \a user, and its close code once the server closed it (0: it is open).
int refusedWith(ReloadableServer &server, const QString &user)
{
    WsClient client;
    client.open(server.wsUrl(user));
    if (!QTest::qWaitFor([&] { return client.isClosed() || !client.sessionId().isEmpty(); },
                         WaitMs))
        return -1;
    if (!client.isClosed() && !QTest::qWaitFor([&] { return client.isClosed(); }, 2000))
        return 0;
    return client.closeCode();
}

// The HTTP status of an upgrade with a token signed by \a secret.
int upgradeStatus(ReloadableServer &server, const QByteArray &secret)
{
    RawClient raw;
    if (!raw.connectTo(server.process().wsPort()))
        return -1;
    const QByteArray token
        = TokenSigner(secret).sign(u"carol"_s, QDateTime::currentDateTimeUtc().addSecs(600));
    raw.sendUpgrade("/ws?token=" + token);
    return RawClient::statusOf(raw.readHead(WaitMs));
}

} // namespace

// 100 sessions, alice's two among them. max_sessions_per_user goes down to 1 and
// max_payload_bytes to 2048: nobody is closed, pushes still arrive, and the new limits
// hold for what comes next.
void TestReload::hundredSessionsSurviveLoweredLimits()
{
    ReloadableServer server({});
    QVERIFY(server.start());
    QStringList users{u"alice"_s, u"alice"_s};
    for (int i = 0; i < 98; ++i)
        users << u"user-%1"_s.arg(i);
    Clients clients;
    QVERIFY(openSessions(server, users, clients));
    QCOMPARE(server.notify(u"user-1"_s, 4000), 202); // under the default 64 KiB

    server.write({u"max_sessions_per_user = 1"_s, u"max_payload_bytes = 2048"_s});
    QVERIFY(server.reload());
    const QByteArray log = server.process().log();
    QVERIFY2(log.contains("applied max_payload_bytes, max_sessions_per_user"), log.constData());

    QCOMPARE(server.notify(u"user-50"_s), 202);
    QCOMPARE(server.notify(u"alice"_s), 202);
    QTRY_COMPARE_WITH_TIMEOUT(clients[52]->framesOfType(ServerFrame::Type::Notification).size(), 1,
                              WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(clients[0]->framesOfType(ServerFrame::Type::Notification).size(), 1,
                              WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(clients[1]->framesOfType(ServerFrame::Type::Notification).size(), 1,
                              WaitMs);
    QCOMPARE(refusedWith(server, u"alice"_s), 4008);
    QCOMPARE(server.notify(u"user-1"_s, 4000), 413);
    QVERIFY(noneClosed(clients));
    QCOMPARE(server.metric(u"herald_config_reloads_total{result=\"applied\"}"_s), 1.0);
    QVERIFY(server.process().terminate());
}

// A limit that is not a number: the reload is refused with the loader's message and the
// running limit stays.
void TestReload::badFileKeepsTheRunningConfiguration()
{
    ReloadableServer server({u"max_sessions_per_user = 1"_s});
    QVERIFY(server.start());
    Clients clients;
    QVERIFY(openSessions(server, {u"alice"_s, u"bob"_s}, clients));

    server.write({u"max_sessions_per_user = many"_s});
    QVERIFY(server.reload());
    const QByteArray log = server.process().log();
    QVERIFY2(log.contains("configuration reload refused, keeping the running one: "
                          "max_sessions_per_user in"),
             log.constData());
    QVERIFY(!log.contains(SecretA));
    QCOMPARE(refusedWith(server, u"alice"_s), 4008);
    QCOMPARE(server.notify(u"bob"_s), 202);
    QTRY_COMPARE_WITH_TIMEOUT(clients[1]->framesOfType(ServerFrame::Type::Notification).size(), 1,
                              WaitMs);
    QVERIFY(noneClosed(clients));
    QCOMPARE(server.metric(u"herald_config_reloads_total{result=\"invalid\"}"_s), 1.0);
    QCOMPARE(server.metric(u"herald_config_reloads_total{result=\"applied\"}"_s), 0.0);
    QVERIFY(server.process().terminate());
}

// ws_port cannot move under a running listener: logged, and the server stays on its port.
void TestReload::restartOnlyChangeKeepsTheListener()
{
    const quint16 wsPort = freePort();
    const QString ports = u"api_port = %1"_s.arg(freePort());
    ReloadableServer server({u"ws_port = %1"_s.arg(wsPort), ports});
    QVERIFY(server.start(ServerProcess::Ports::Configured));
    QCOMPARE(server.process().wsPort(), wsPort);
    Clients clients;
    QVERIFY(openSessions(server, {u"alice"_s}, clients));

    const quint16 otherPort = freePort();
    server.write({u"ws_port = %1"_s.arg(otherPort), ports, u"history_size = 10"_s});
    QVERIFY(server.reload());
    const QByteArray log = server.process().log();
    QVERIFY2(log.contains(u"ws_port changed: needs a restart; keeping %1"_s.arg(wsPort).toUtf8()),
             log.constData());
    QVERIFY2(log.contains("applied history_size - needs a restart: ws_port"), log.constData());
    QVERIFY(openSessions(server, {u"bob"_s}, clients)); // on the old port
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, otherPort);
    QVERIFY(!probe.waitForConnected(2000));
    QVERIFY(noneClosed(clients));
    QVERIFY(server.process().terminate());
}

// The secret file now holds another secret: new sessions need tokens signed with it, and
// the sessions opened with the old one stay.
void TestReload::rotatedSecretTakesOverNewSessions()
{
    ReloadableServer server({});
    QVERIFY(server.start());
    Clients clients;
    QVERIFY(openSessions(server, {u"alice"_s}, clients));
    QCOMPARE(upgradeStatus(server, SecretB), 401);

    server.writeFile(u"secret"_s, SecretB + '\n');
    QVERIFY(server.reload());
    QVERIFY(server.process().log().contains("applied secret_file"));
    QCOMPARE(upgradeStatus(server, SecretB), 101);
    QCOMPARE(upgradeStatus(server, SecretA), 401);
    QCOMPARE(server.notify(u"alice"_s), 202);
    QTRY_COMPARE_WITH_TIMEOUT(clients[0]->framesOfType(ServerFrame::Type::Notification).size(), 1,
                              WaitMs);
    QVERIFY(noneClosed(clients));
    const QByteArray log = server.process().log();
    QVERIFY2(!log.contains(SecretA) && !log.contains(SecretB), "a secret was logged");
    QVERIFY(server.process().terminate());
}

// heartbeat_s: a session opened after the reload is told the new interval, and the sweep
// runs at it (a session that answers pings stays).
void TestReload::heartbeatChangeReachesNewSessions()
{
    ReloadableServer server({u"heartbeat_s = 30"_s});
    QVERIFY(server.start());
    Clients clients;
    QVERIFY(openSessions(server, {u"alice"_s}, clients));
    QCOMPARE(clients[0]->welcome().heartbeatSeconds, 30.0);

    server.write({u"heartbeat_s = 2"_s});
    QVERIFY(server.reload());
    QVERIFY(openSessions(server, {u"bob"_s}, clients));
    QCOMPARE(clients[1]->welcome().heartbeatSeconds, 2.0);
    // Pings at the new pace: alice's client answers them, and is still there after several.
    const auto lastPong = [&] { return server.api().get(u"/api/v1/users/alice/sessions"_s); };
    QTRY_VERIFY_WITH_TIMEOUT(!lastPong()
                                  .json()
                                  .value(u"sessions"_s)
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(u"last_pong_at"_s)
                                  .isNull(),
                             WaitMs);
    QVERIFY(noneClosed(clients));
    QVERIFY(server.process().terminate());
}

// The admin channel's reload: the keys applied and those needing a restart, or
// config_invalid with the loader's message; the admin connection stays either way.
void TestReload::adminCommandReloads()
{
    ReloadableServer server({u"admin_token_file = admin-token"_s, u"workers = 2"_s});
    QVERIFY(server.start());
    QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/admin"_s.arg(server.process().apiPort())));
    request.setRawHeader("Authorization", "Bearer " + AdminToken);
    AdminWsClient admin;
    admin.open(request);
    QTRY_VERIFY_WITH_TIMEOUT(!admin.framesOfType(AdminType::Hello).isEmpty(), WaitMs);
    int id = 0;
    const auto command = [&](const QString &name) {
        admin.send({{u"type"_s, u"command"_s}, {u"id"_s, ++id}, {u"command"_s, name}});
        QJsonObject result;
        [[maybe_unused]] const bool answered = QTest::qWaitFor(
            [&] {
                for (const QJsonObject &frame : admin.framesOfType(AdminType::Result)) {
                    if (frame.value(AdminKey::Id).toInt() == id)
                        result = frame;
                }
                return !result.isEmpty();
            },
            WaitMs);
        return result;
    };

    server.write({u"admin_token_file = admin-token"_s, u"workers = 3"_s, u"heartbeat_s = 7"_s,
                  u"max_sessions_per_user = 4"_s});
    const QJsonObject applied = command(u"reload"_s);
    QVERIFY(applied.value(AdminKey::Ok).toBool());
    const QJsonObject result = applied.value(AdminKey::Result).toObject();
    QCOMPARE(result.value(AdminKey::Applied).toArray(),
             (QJsonArray{u"heartbeat_s"_s, u"max_sessions_per_user"_s}));
    QCOMPARE(result.value(AdminKey::NeedsRestart).toArray(), QJsonArray{u"workers"_s});

    server.write({u"admin_token_file = admin-token"_s, u"heartbeat_s = soon"_s});
    const QJsonObject refused = command(u"reload"_s);
    QVERIFY(!refused.value(AdminKey::Ok).toBool());
    const QJsonObject error = refused.value(AdminKey::Error).toObject();
    QCOMPARE(error.value(AdminKey::Code).toString(), u"config_invalid"_s);
    QVERIFY2(error.value(AdminKey::Message).toString().contains(u"heartbeat_s in"_s),
             qPrintable(error.value(AdminKey::Message).toString()));
    QVERIFY(!admin.isClosed());

    // A new admin client is told the reloaded heartbeat.
    AdminWsClient second;
    second.open(request);
    QTRY_VERIFY_WITH_TIMEOUT(!second.framesOfType(AdminType::Hello).isEmpty(), WaitMs);
    QCOMPARE(
        second.framesOfType(AdminType::Hello).first().value(AdminKey::HeartbeatSeconds).toDouble(),
        7.0);
    QVERIFY(server.process().terminate());
}

// HeraldServer::reload() in-process: max_sessions and allowed_origins, both checked
// before a session exists, hold for the next upgrade; the open session stays.
void TestReload::inProcessReloadLimitsSessionsAndOrigins()
{
    ServerFixture fixture;
    QVERIFY(fixture.start());
    WsClient open;
    QVERIFY(open.connectAndWelcome(fixture.wsUrl(u"alice"_s)));

    ServerConfig next = fixture.config();
    next.maxSessions = 1;
    QString error;
    next.allowedOrigins = *OriginPolicy::parse(u"https://app.example"_s, &error);
    const ReloadReport report = fixture.server().reload(next);
    QVERIFY(report.ok);
    QCOMPARE(report.applied, (QStringList{u"max_sessions"_s, u"allowed_origins"_s}));
    QVERIFY(report.needsRestart.isEmpty());

    const auto status = [&](const QByteArray &extraHeaders) {
        RawClient raw;
        if (!raw.connectTo(fixture.server().wsPort()))
            return -1;
        raw.sendUpgrade("/ws?token=" + fixture.tokenFor(u"bob"_s), extraHeaders);
        return RawClient::statusOf(raw.readHead(WaitMs));
    };
    QCOMPARE(status("Origin: https://evil.example\r\n"), 403);
    QCOMPARE(status("Origin: https://app.example\r\n"), 503); // server_full: one slot, taken
    QCOMPARE(fixture.server().stats().configReloadsApplied.load(), quint64(1));
    QVERIFY(!open.isClosed());
}

HERALD_SERVER_TEST_MAIN(TestReload)
#include "tst_reload.moc"
