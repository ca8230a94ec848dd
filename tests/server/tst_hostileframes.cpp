#include "bystander.h"
#include "hostileclient.h"
#include "processprobe.h"
#include "serverfixture.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr qint64 MiB = 1024 * 1024;
constexpr quint8 Continuation = 0x0;
constexpr quint8 Text = 0x1;
constexpr quint8 Ping = 0x9;
constexpr quint8 Pong = 0xA;

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / MiB, 'f', 1) + u" MiB"_s;
}

} // namespace

// Hostile WebSocket clients, frame by frame (README, "WebSocket limits"):
// ping and continuation floods, a client that never reads, unmasked frames.
// Each case checks the close code, the server's memory (it runs in this
// process, so this process's RSS) and that a bystander still gets pushes.
class TestHostileFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void floodIsRateLimited_data();
    void floodIsRateLimited();
    void pingFloodFromNonReaderIsCutByTheBudget();
    void nonReaderIsAbortedAfterTheGrace();
    void unmaskedFrameIsAProtocolError_data();
    void unmaskedFrameIsAProtocolError();

private:
    bool start(ServerConfig config);
    QByteArray target(const QString &user) const { return "/ws?token=" + m_server->tokenFor(user); }
    const ServerStats &stats() { return m_server->server().stats(); }
    qint64 memoryGrowth();
    void checkMemory(qint64 growth, qint64 bound);

    std::unique_ptr<ServerFixture> m_server;
    std::unique_ptr<Bystander> m_bystander;
    qint64 m_rssBefore = 0;
};

void TestHostileFrames::init()
{
    m_bystander = std::make_unique<Bystander>();
}

void TestHostileFrames::cleanup()
{
    m_bystander.reset();
    m_server.reset();
}

bool TestHostileFrames::start(ServerConfig config)
{
    m_server = std::make_unique<ServerFixture>(config);
    if (!m_server->start() || !m_bystander->connect(m_server->wsUrl(m_bystander->user())))
        return false;
    m_rssBefore = ProcessProbe::residentBytes();
    return true;
}

// The growth of this process's RSS since start(): the server's, since the
// attackers here keep next to nothing.
qint64 TestHostileFrames::memoryGrowth()
{
    const qint64 growth = ProcessProbe::residentBytes() - m_rssBefore;
    qInfo().noquote() << QTest::currentTestFunction() << "RSS growth" << megabytes(growth);
    return growth;
}

// The growth stayed under its bound and the bystander gets its next push.
void TestHostileFrames::checkMemory(qint64 growth, qint64 bound)
{
    QVERIFY2(growth < ProcessProbe::rssBudget(bound),
             qPrintable(u"RSS grew by "_s + megabytes(growth)));
    QVERIFY(m_bystander->receivesPush(m_server->api(), u"after the attack"_s));
}

void TestHostileFrames::floodIsRateLimited_data()
{
    QTest::addColumn<QByteArray>("opening");
    QTest::addColumn<QByteArray>("unit");

    // 125-byte pings: QtWebSockets answers each with a pong and tells nobody.
    QTest::newRow("pings") << QByteArray() << HostileClient::frame(Ping, QByteArray(125, 'p'));
    QTest::newRow("pongs") << QByteArray() << HostileClient::frame(Pong, QByteArray(125, 'p'));
    // Empty continuations of a message that never ends: no message is ever complete.
    QTest::newRow("continuations")
        << HostileClient::frame(Text, "{", false) << HostileClient::frame(Continuation, {}, false);
    QTest::newRow("text") << QByteArray() << HostileClient::frame(Text, R"({"type":"ping"})");
}

// Every frame counts against client_rate (20/s, bursts of 40): the flood is
// closed with 1008 long before its 8 MiB are through.
void TestHostileFrames::floodIsRateLimited()
{
    QFETCH(QByteArray, opening);
    QFETCH(QByteArray, unit);
    QVERIFY(start(ServerFixture::defaultConfig()));

    HostileClient flooder;
    QVERIFY(flooder.connectTo(m_server->server().wsPort()));
    QVERIFY(flooder.upgrade(target(u"flooder"_s)));
    flooder.write(opening);
    const qint64 sent
        = flooder.flood(unit, 8 * MiB, [this] { return stats().rateLimitCloses > 0; });
    qInfo().noquote() << "flooded" << megabytes(sent);
    const qint64 growth = memoryGrowth();

    QCOMPARE(flooder.waitForClose(), 1008);
    QCOMPARE(flooder.closeReason(), u"too many messages"_s);
    QCOMPARE(stats().rateLimitCloses.load(), 1u);
    QTRY_COMPARE(m_server->server().directory().sessionsOf(u"flooder"_s).size(), 0);
    checkMemory(growth, 16 * MiB);
}

// A client that sends pings and never reads: every pong stays queued. The
// session budget (here 64 KiB) cuts it with 1008 "slow consumer" instead of
// queuing 64 MiB of pongs.
void TestHostileFrames::pingFloodFromNonReaderIsCutByTheBudget()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.clientFramesPerSecond = 10000; // the budget, not the rate, must stop this one
    config.maxSessionBufferBytes = 64 * 1024;
    config.closeGraceMs = 60000; // so that the close frame can be read afterwards
    QVERIFY(start(config));

    HostileClient flooder;
    QVERIFY(flooder.connectTo(m_server->server().wsPort(), HostileClient::Window::Small));
    QVERIFY(flooder.upgrade(target(u"flooder"_s)));
    flooder.stopReading();
    const qint64 sent = flooder.flood(HostileClient::frame(Ping, QByteArray(125, 'p')), 64 * MiB,
                                      [this] { return stats().slowConsumerCloses > 0; });
    qInfo().noquote() << "flooded" << megabytes(sent);
    const qint64 growth = memoryGrowth();

    QTRY_COMPARE(stats().slowConsumerCloses.load(), 1u);
    // The counter moves just before the session leaves presence, on its worker.
    QTRY_COMPARE(m_server->server().directory().sessionsOf(u"flooder"_s).size(), 0);
    checkMemory(growth, 24 * MiB);
    // Reading at last, the client finds the close frame behind its pongs.
    QCOMPARE(flooder.waitForClose(10000), 1008);
    QCOMPARE(flooder.closeReason(), u"slow consumer"_s);
}

// The same client, still not reading: its close frame never gets out, so
// the connection is aborted once the grace period is over.
void TestHostileFrames::nonReaderIsAbortedAfterTheGrace()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.clientFramesPerSecond = 10000;
    config.maxSessionBufferBytes = 64 * 1024;
    config.closeGraceMs = 500;
    QVERIFY(start(config));

    HostileClient flooder;
    QVERIFY(flooder.connectTo(m_server->server().wsPort(), HostileClient::Window::Small));
    QVERIFY(flooder.upgrade(target(u"flooder"_s)));
    flooder.stopReading();
    flooder.flood(HostileClient::frame(Ping, QByteArray(125, 'p')), 64 * MiB,
                  [this] { return stats().slowConsumerCloses > 0; });
    const qint64 growth = memoryGrowth();

    QTRY_COMPARE(stats().slowConsumerCloses.load(), 1u);
    QVERIFY(flooder.waitForDisconnected(10000));
    checkMemory(growth, 24 * MiB);
}

void TestHostileFrames::unmaskedFrameIsAProtocolError_data()
{
    QTest::addColumn<bool>("pipelined"); // sent with the upgrade request, before the 101
    QTest::addColumn<QByteArray>("frame");

    const QByteArray ping = R"({"type":"ping"})";
    QTest::newRow("text") << false << HostileClient::frame(Text, ping, true, false);
    QTest::newRow("ping") << false << HostileClient::frame(Ping, "x", true, false);
    QTest::newRow("text with the request") << true << HostileClient::frame(Text, ping, true, false);
}

// RFC 6455 5.1: a server must close a connection that sends an unmasked frame.
void TestHostileFrames::unmaskedFrameIsAProtocolError()
{
    QFETCH(bool, pipelined);
    QFETCH(QByteArray, frame);
    QVERIFY(start(ServerFixture::defaultConfig()));

    HostileClient client;
    QVERIFY(client.connectTo(m_server->server().wsPort()));
    QVERIFY(client.upgrade(target(u"unmasked"_s), pipelined ? frame : QByteArray()));
    if (!pipelined)
        client.write(frame);
    const qint64 growth = memoryGrowth();

    QCOMPARE(client.waitForClose(), 1002);
    for (const HostileClient::Frame &received : client.frames()) {
        QVERIFY2(received.opcode != Pong, "the unmasked ping was answered");
        QVERIFY2(!received.payload.contains("pong"), "the unmasked frame was handled");
    }
    QCOMPARE(stats().protocolErrorCloses.load(), 1u);
    checkMemory(growth, 16 * MiB);
}

QTEST_MAIN(TestHostileFrames)
#include "tst_hostileframes.moc"
