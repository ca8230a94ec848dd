#include "apiclient.h"
#include "bystander.h"
#include "hostileclient.h"
#include "processprobe.h"
#include "rawclient.h"
#include "serverfixture.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr qint64 MiB = 1024 * 1024;

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / MiB, 'f', 1) + u" MiB"_s;
}

QByteArray processToken(const QString &user)
{
    return TokenSigner(ServerProcess::Secret)
        .sign(user, QDateTime::currentDateTimeUtc().addSecs(3600));
}

} // namespace

// Caps on sessions, handshakes and the admin channel, and a listener that
// stays cheap under half-open connections and at the descriptor limit
// (README, "WebSocket limits").
class TestHostileLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void sessionsPerUserAreCapped();
    void sessionsInAllAreCapped();
    void pendingHandshakesAreCapped();
    void adminClientBufferIsCapped();
    void halfOpenConnectionsCostNothing();
    void acceptPausesAtTheDescriptorLimit();
    void apiAcceptsAgainAfterTheDescriptorLimit();

private:
    bool start(ServerConfig config);
    void checkMemory(qint64 bound);
    // Measures the server process's CPU over two heartbeats while \a clock answers its pings.
    static double cpuShareOverTwoHeartbeats(ServerProcess &server, HostileClient &clock);
    static bool openClock(ServerProcess &server, HostileClient &clock);

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<Bystander> m_bystander;
    qint64 m_rssBefore = 0;
};

void TestHostileLimits::cleanup()
{
    m_bystander.reset();
    m_server.reset();
}

bool TestHostileLimits::start(ServerConfig config)
{
    m_server = std::make_unique<ServerFixture>(config);
    m_bystander = std::make_unique<Bystander>();
    if (!m_server->start() || !m_bystander->connect(m_server->wsUrl(m_bystander->user())))
        return false;
    m_rssBefore = ProcessProbe::residentBytes();
    return true;
}

void TestHostileLimits::checkMemory(qint64 bound)
{
    const qint64 growth = ProcessProbe::residentBytes() - m_rssBefore;
    qInfo().noquote() << QTest::currentTestFunction() << "RSS growth" << megabytes(growth);
    QVERIFY2(growth < ProcessProbe::rssBudget(bound),
             qPrintable(u"RSS grew by "_s + megabytes(growth)));
    QVERIFY(m_bystander->receivesPush(m_server->api(), u"after the attack"_s));
}

// The fourth session of a user is closed with 4008 right after the upgrade;
// once one of the three leaves, there is room again.
void TestHostileLimits::sessionsPerUserAreCapped()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxSessionsPerUser = 3;
    QVERIFY(start(config));
    std::vector<std::unique_ptr<WsClient>> sessions;
    for (int i = 0; i < 3; ++i) {
        sessions.push_back(std::make_unique<WsClient>());
        QVERIFY(sessions.back()->connectAndWelcome(m_server->wsUrl(u"u"_s)));
    }
    for (int attempt = 1; attempt <= 20; ++attempt) {
        WsClient extra;
        extra.open(m_server->wsUrl(u"u"_s));
        QTRY_VERIFY(extra.isClosed());
        QCOMPARE(extra.closeCode(), 4008);
        QCOMPARE(extra.closeReason(), u"too many sessions"_s);
        QVERIFY(extra.framesOfType(ServerFrame::Type::Welcome).isEmpty());
    }
    QCOMPARE(m_server->server().stats().userSessionRefusals.load(), 20u);
    QCOMPARE(m_server->server().directory().sessionsOf(u"u"_s).size(), 3);

    sessions.front()->socket().close();
    QTRY_COMPARE(m_server->server().directory().sessionsOf(u"u"_s).size(), 2);
    WsClient again;
    QVERIFY(again.connectAndWelcome(m_server->wsUrl(u"u"_s)));
    checkMemory(16 * MiB);
}

// With max_sessions 3 (the bystander and two more), a fourth upgrade is
// answered 503 server_full before any handshake.
void TestHostileLimits::sessionsInAllAreCapped()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxSessions = 3;
    QVERIFY(start(config));
    WsClient first;
    WsClient second;
    QVERIFY(first.connectAndWelcome(m_server->wsUrl(u"one"_s)));
    QVERIFY(second.connectAndWelcome(m_server->wsUrl(u"two"_s)));

    RawClient refused;
    QVERIFY(refused.connectTo(m_server->server().wsPort()));
    refused.sendUpgrade("/ws?token=" + m_server->tokenFor(u"three"_s));
    const QByteArray answer = refused.readUntilClosed();
    QCOMPARE(RawClient::statusOf(answer), 503);
    QCOMPARE(RawClient::bodyOf(answer).value(u"error"_s).toObject().value(u"code"_s).toString(),
             u"server_full"_s);
    QCOMPARE(m_server->server().stats().serverFullRefusals.load(), 1u);

    // A session that leaves gives its place back.
    second.socket().close();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            RawClient retry;
            retry.connectTo(m_server->server().wsPort());
            retry.sendUpgrade("/ws?token=" + m_server->tokenFor(u"three"_s));
            return RawClient::statusOf(retry.readHead()) == 101;
        }(),
        10000);
    checkMemory(16 * MiB);
}

// Connections that send nothing: two per address and four in all may wait
// for their request head (timeout 60 s); one more is closed at once.
void TestHostileLimits::pendingHandshakesAreCapped()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxHandshakes = 4;
    config.maxHandshakesPerAddress = 2;
    config.handshakeTimeoutMs = 60000;
    QVERIFY(start(config));
    const quint16 port = m_server->server().wsPort();
    const auto open = [port](const char *address) {
        auto client = std::make_unique<HostileClient>();
        return client->connectTo(port, QHostAddress(QString::fromLatin1(address)))
            ? std::move(client)
            : nullptr;
    };

    auto a1 = open("127.0.0.1");
    auto a2 = open("127.0.0.1");
    auto a3 = open("127.0.0.1"); // third from one address
    QVERIFY(a1 && a2 && a3);
    QVERIFY(a3->waitForDisconnected(5000));
    auto b1 = open("127.0.0.2");
    auto b2 = open("127.0.0.2");
    auto c1 = open("127.0.0.3"); // fifth in all
    QVERIFY(b1 && b2 && c1);
    QVERIFY(c1->waitForDisconnected(5000));
    QCOMPARE(m_server->server().stats().handshakeLimitCloses.load(), 2u);
    for (HostileClient *held : {a1.get(), a2.get(), b1.get(), b2.get()})
        QVERIFY(held->isConnected());

    // The ones held are served when their request comes.
    QVERIFY(a1->upgrade("/ws?token=" + m_server->tokenFor(u"late"_s)));
    checkMemory(16 * MiB);
}

// An admin client that never reads while its commands make the server send
// snapshots: closed with 1008 past max_admin_buffer (here 64 KiB) and aborted
// after the grace period.
void TestHostileLimits::adminClientBufferIsCapped()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.adminToken = "admin-token-0123456789abcdef";
    config.maxAdminBufferBytes = 64 * 1024;
    config.closeGraceMs = 500;
    QVERIFY(start(config));

    HostileClient admin;
    QVERIFY(admin.connectTo(m_server->server().apiPort(), HostileClient::Window::Small));
    QVERIFY(
        admin.upgrade("/admin", {}, 5000, "Authorization: Bearer " + config.adminToken + "\r\n"));
    admin.stopReading();
    const QByteArray resync
        = HostileClient::frame(0x1, R"({"type":"command","command":"resync","id":1})");
    const auto &stats = m_server->server().stats();
    const qint64 sent
        = admin.flood(resync, 8 * MiB, [&] { return stats.adminSlowConsumerCloses > 0; });
    qInfo().noquote() << "resync commands sent:" << megabytes(sent);

    QTRY_COMPARE(stats.adminSlowConsumerCloses.load(), 1u);
    QVERIFY(admin.waitForDisconnected(10000));
    checkMemory(24 * MiB);
}

bool TestHostileLimits::openClock(ServerProcess &server, HostileClient &clock)
{
    return clock.connectTo(server.wsPort())
        && clock.upgrade("/ws?token=" + processToken(u"clock"_s)) && clock.answerPings(1);
}

double TestHostileLimits::cpuShareOverTwoHeartbeats(ServerProcess &server, HostileClient &clock)
{
    const qint64 pid = server.process().processId();
    QElapsedTimer wall;
    wall.start();
    const double cpuBefore = ProcessProbe::cpuSeconds(pid);
    if (!clock.answerPings(2))
        return -1;
    const double share = (ProcessProbe::cpuSeconds(pid) - cpuBefore) / (wall.elapsed() / 1000.0);
    qInfo() << "server CPU share over" << wall.elapsed() << "ms:" << share;
    return share;
}

// 3,000 connections that sent one byte of their request head and then
// nothing: while they wait, the server (the real binary) stays idle.
void TestHostileLimits::halfOpenConnectionsCostNothing()
{
    ServerProcess server;
    QVERIFY(
        server.start({u"--heartbeat-s"_s, u"1"_s, u"--store"_s, u"memory"_s, u"--max-handshakes"_s,
                      u"5000"_s, u"--max-handshakes-per-address"_s, u"5000"_s},
                     ServerProcess::environmentWithSecrets()));
    std::vector<std::unique_ptr<QTcpSocket>> halfOpen;
    for (int i = 0; i < 3000; ++i) {
        halfOpen.push_back(std::make_unique<QTcpSocket>());
        halfOpen.back()->connectToHost(QHostAddress::LocalHost, server.wsPort());
        QVERIFY(halfOpen.back()->waitForConnected(5000));
        halfOpen.back()->write("G");
        halfOpen.back()->flush();
    }
    // Accepted in order: once this one is served, all of them wait in the server.
    WsClient bystander;
    QVERIFY(bystander.connectAndWelcome(QUrl(u"ws://127.0.0.1:%1/ws?token="_s.arg(server.wsPort())
                                             + QString::fromLatin1(processToken(u"bystander"_s))),
                                        10000));
    HostileClient clock;
    QVERIFY(openClock(server, clock));

    const double share = cpuShareOverTwoHeartbeats(server, clock);
    QVERIFY(share >= 0);
    QVERIFY2(share < 0.1, qPrintable(u"CPU share %1"_s.arg(share)));
    const qint64 rss = ProcessProbe::residentBytes(server.process().processId());
    qInfo().noquote() << "server RSS with 3000 half-open connections:" << megabytes(rss);
    QVERIFY2(rss < 96 * MiB, qPrintable(megabytes(rss)));
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(server.apiPort())), ServerProcess::ApiKey);
    Bystander check(u"bystander"_s);
    QVERIFY(check.connect(QUrl(u"ws://127.0.0.1:%1/ws?token="_s.arg(server.wsPort())
                               + QString::fromLatin1(processToken(u"bystander"_s)))));
    QVERIFY(check.receivesPush(api, u"after the half-open connections"_s));
}

// With 96 descriptors, 200 silent connections exhaust them. accept() then
// fails with EMFILE: the server pauses accepting instead of spinning on it,
// and accepts again once descriptors are free.
void TestHostileLimits::acceptPausesAtTheDescriptorLimit()
{
#ifdef HERALD_SANITIZED
    // UBSan's vptr check probes memory through a pipe: out of descriptors, it
    // reports every virtual call in the sanitized server as undefined behaviour.
    QSKIP("the sanitizers need descriptors of their own at the descriptor limit");
#endif
    ServerProcess server;
    server.setOpenFileLimit(96);
    QVERIFY(server.start({u"--heartbeat-s"_s, u"1"_s, u"--store"_s, u"memory"_s,
                          u"--max-handshakes-per-address"_s, u"1000"_s},
                         ServerProcess::environmentWithSecrets()));
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(server.apiPort())), ServerProcess::ApiKey);
    QCOMPARE(api.get(u"/api/v1/stats"_s).status, 200); // its connection is open before the flood
    const QUrl bystanderUrl(u"ws://127.0.0.1:%1/ws?token="_s.arg(server.wsPort())
                            + QString::fromLatin1(processToken(u"bystander"_s)));
    Bystander bystander(u"bystander"_s);
    QVERIFY(bystander.connect(bystanderUrl));
    HostileClient clock;
    QVERIFY(openClock(server, clock));

    std::vector<std::unique_ptr<QTcpSocket>> silent;
    for (int i = 0; i < 200; ++i) {
        silent.push_back(std::make_unique<QTcpSocket>());
        silent.back()->connectToHost(QHostAddress::LocalHost, server.wsPort());
        QVERIFY(silent.back()->waitForConnected(5000)); // the kernel completes it, accepted or not
    }
    const double share = cpuShareOverTwoHeartbeats(server, clock);
    QVERIFY(share >= 0);
    QVERIFY2(share < 0.1, qPrintable(u"CPU share %1"_s.arg(share)));
    QVERIFY(bystander.receivesPush(api, u"at the descriptor limit"_s));
    QVERIFY2(server.log().contains("open-file limit 96"), server.log().constData());
    QVERIFY(api.get(u"/api/v1/stats"_s).json().value(u"accept_pauses"_s).toInt() >= 1);

    silent.clear();
    WsClient late;
    QVERIFY(late.connectAndWelcome(bystanderUrl, 15000));
}

// The same on the push API's port: QTcpServer gives up accepting after an
// EMFILE, so without the pause and resume the API would stay deaf once the
// descriptors are back.
void TestHostileLimits::apiAcceptsAgainAfterTheDescriptorLimit()
{
    ServerProcess server;
    server.setOpenFileLimit(96);
    QVERIFY(server.start({u"--heartbeat-s"_s, u"1"_s, u"--store"_s, u"memory"_s},
                         ServerProcess::environmentWithSecrets()));
    const QUrl apiUrl(u"http://127.0.0.1:%1/"_s.arg(server.apiPort()));
    ApiClient api(apiUrl, ServerProcess::ApiKey);
    QCOMPARE(api.get(u"/api/v1/stats"_s).status, 200); // its connection is open before the flood
    HostileClient clock;
    QVERIFY(openClock(server, clock));

    std::vector<std::unique_ptr<QTcpSocket>> silent;
    for (int i = 0; i < 200; ++i) {
        silent.push_back(std::make_unique<QTcpSocket>());
        silent.back()->connectToHost(QHostAddress::LocalHost, server.apiPort());
        QVERIFY(silent.back()->waitForConnected(5000)); // the kernel completes it, accepted or not
    }
    QTRY_VERIFY2_WITH_TIMEOUT(server.log().contains("cannot accept API connection"),
                              server.log().constData(), 15000);
    const double share = cpuShareOverTwoHeartbeats(server, clock);
    QVERIFY(share >= 0);
    QVERIFY2(share < 0.1, qPrintable(u"CPU share %1"_s.arg(share)));
    QVERIFY(api.get(u"/api/v1/stats"_s).json().value(u"accept_pauses"_s).toInt() >= 1);

    silent.clear();
    ApiClient fresh(apiUrl, ServerProcess::ApiKey);
    QCOMPARE(fresh.get(u"/api/v1/stats"_s).status, 200);
}

QTEST_MAIN(TestHostileLimits)
#include "tst_hostilelimits.moc"
