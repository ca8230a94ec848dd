#include "bystander.h"
#include "hostileclient.h"
#include "processprobe.h"
#include "serverfixture.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr qint64 MiB = 1024 * 1024;
constexpr quint8 Pong = 0xA;

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / MiB, 'f', 1) + u" MiB"_s;
}

int unreadFrames(const WsClient &client)
{
    return int(client.framesOfType(ServerFrame::Type::Unread).size());
}

} // namespace

// What one session can make the server send (README, "WebSocket limits"):
// a resume replay to a client that never reads, and read frames that every
// session of the user would hear about.
class TestHostileReplay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void replayToNonReadersIsPaced();
    void pacedReplayIsComplete();
    void pongOnlyNonReaderIsCut();
    void readThatDoesNotMoveSendsNothing();
    void unreadUpdatesAreCoalesced();

private:
    bool start(ServerConfig config);
    void fillHistory(const QString &user, int count, int dataBytes);
    QByteArray resumeTarget(const QString &user);
    // All of \a clients answer an application ping: the worker has handled what they sent before.
    static bool allHandled(const QList<WsClient *> &clients);
    QList<WsClient *> openSessions(const QString &user, int count);
    const ServerStats &stats() { return m_server->server().stats(); }

    std::unique_ptr<ServerFixture> m_server;
    std::vector<std::unique_ptr<WsClient>> m_clients;
};

void TestHostileReplay::cleanup()
{
    m_clients.clear();
    m_server.reset();
}

bool TestHostileReplay::start(ServerConfig config)
{
    m_server = std::make_unique<ServerFixture>(config);
    return m_server->start();
}

void TestHostileReplay::fillHistory(const QString &user, int count, int dataBytes)
{
    const QString data(dataBytes, u'x');
    for (int i = 0; i < count; ++i) {
        const auto reply = m_server->api().post(
            u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{user}}, {u"data"_s, data}});
        QCOMPARE(reply.status, 202);
    }
}

QByteArray TestHostileReplay::resumeTarget(const QString &user)
{
    const QString epoch = m_server->api()
                              .get(u"/api/v1/users/%1/unread"_s.arg(user))
                              .json()
                              .value(u"epoch"_s)
                              .toString();
    return "/ws?token=" + m_server->tokenFor(user) + "&since=0&epoch=" + epoch.toUtf8();
}

QList<WsClient *> TestHostileReplay::openSessions(const QString &user, int count)
{
    QList<WsClient *> opened;
    for (int i = 0; i < count; ++i) {
        m_clients.push_back(std::make_unique<WsClient>());
        if (!m_clients.back()->connectAndWelcome(m_server->wsUrl(user), 10000))
            return {};
        opened.append(m_clients.back().get());
    }
    return opened;
}

bool TestHostileReplay::allHandled(const QList<WsClient *> &clients)
{
    QList<qsizetype> pongs;
    for (WsClient *client : clients) {
        pongs.append(client->framesOfType(ServerFrame::Type::Pong).size());
        client->send(ClientFrame::ping());
    }
    return QTest::qWaitFor(
        [&] {
            for (qsizetype i = 0; i < clients.size(); ++i) {
                if (clients[i]->framesOfType(ServerFrame::Type::Pong).size() <= pongs[i])
                    return false;
            }
            return true;
        },
        10000);
}

// Four clients resume from seq 0 over 7 MiB of history and never read. The
// replay is paced by the session budget (256 KiB), so the server holds a
// small part of it at a time instead of 4 x 7 MiB of frames.
void TestHostileReplay::replayToNonReadersIsPaced()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxSessionBufferBytes = 256 * 1024;
    config.maxPayloadBytes = 256 * 1024; // few large pushes fill the history quickly
    QVERIFY(start(config));
    fillHistory(u"r"_s, 30, 240000);
    const QByteArray target = resumeTarget(u"r"_s);
    Bystander bystander(u"r"_s); // same user, so same worker: it sees that worker's queue
    QVERIFY(bystander.connect(m_server->wsUrl(u"r"_s)));
    const qint64 rssBefore = ProcessProbe::residentBytes();

    std::vector<std::unique_ptr<HostileClient>> readers(4);
    for (auto &reader : readers) {
        reader = std::make_unique<HostileClient>();
        QVERIFY(reader->connectTo(m_server->server().wsPort(), HostileClient::Window::Small));
        QVERIFY(reader->upgrade(target));
        reader->stopReading();
    }
    QTRY_COMPARE(m_server->server().directory().sessionsOf(u"r"_s).size(), 5);
    // Each session has started (the store answered, the worker sent what it
    // would) once a push queued after them reaches the bystander.
    QVERIFY(bystander.receivesPush(m_server->api(), u"after the resumes"_s));

    const qint64 growth = ProcessProbe::residentBytes() - rssBefore;
    qInfo().noquote() << "RSS growth with 4 stalled replays of 7 MiB:" << megabytes(growth);
    QVERIFY2(growth < ProcessProbe::rssBudget(16 * MiB), qPrintable(megabytes(growth)));
    for (auto &reader : readers)
        QVERIFY(reader->isConnected()); // paced, not punished: nothing was over budget
}

// A client that reads gets the whole paced replay: every seq once, in order,
// then "resumed".
void TestHostileReplay::pacedReplayIsComplete()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxSessionBufferBytes = 64 * 1024;
    QVERIFY(start(config));
    fillHistory(u"r"_s, 30, 20000);
    WsClient client;
    client.open(QUrl(m_server->wsUrlRaw(QString::fromUtf8(resumeTarget(u"r"_s)))));
    QTRY_VERIFY_WITH_TIMEOUT(!client.framesOfType(ServerFrame::Type::Resumed).isEmpty(), 20000);

    QList<qint64> expected;
    for (qint64 seq = 1; seq <= 30; ++seq)
        expected.append(seq);
    QCOMPARE(client.seqs(), expected);
    const ServerFrame resumed = client.framesOfType(ServerFrame::Type::Resumed).first();
    QCOMPARE(resumed.ok, true);
    QCOMPARE(resumed.seq, 30);
    QCOMPARE(client.frames().last(), resumed);
    // Live again: the next push arrives after the replay.
    fillHistory(u"r"_s, 1, 10);
    QTRY_COMPARE(client.seqs().size(), 31);
    QCOMPARE(client.seqs().last(), 31);
}

// Unsolicited pongs do not prove that a client reads: one that resumes over a
// large history, never reads and only sends pongs is cut as a slow consumer
// once its queue has not moved for a heartbeat.
void TestHostileReplay::pongOnlyNonReaderIsCut()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.heartbeatMs = 1000;
    config.clientFramesPerSecond = 1000;
    config.maxSessionBufferBytes = 256 * 1024;
    config.maxPayloadBytes = 256 * 1024;
    QVERIFY(start(config));
    fillHistory(u"p"_s, 30, 240000);
    Bystander bystander;
    QVERIFY(bystander.connect(m_server->wsUrl(bystander.user())));
    const qint64 rssBefore = ProcessProbe::residentBytes();

    HostileClient client;
    QVERIFY(client.connectTo(m_server->server().wsPort(), HostileClient::Window::Small));
    QVERIFY(client.upgrade(resumeTarget(u"p"_s)));
    client.stopReading();
    const QByteArray pong = HostileClient::frame(Pong, "alive");
    const bool cut = QTest::qWaitFor(
        [&] {
            client.write(pong);
            return stats().slowConsumerCloses > 0;
        },
        15000);
    QVERIFY2(cut, "the session outlived five heartbeats on unsolicited pongs");
    // The counter moves just before the session leaves presence, on its worker.
    QTRY_COMPARE(m_server->server().directory().sessionsOf(u"p"_s).size(), 0);
    const qint64 growth = ProcessProbe::residentBytes() - rssBefore;
    qInfo().noquote() << "RSS growth:" << megabytes(growth);
    QVERIFY2(growth < ProcessProbe::rssBudget(16 * MiB), qPrintable(megabytes(growth)));
    QVERIFY(bystander.receivesPush(m_server->api(), u"after the pongs"_s));
}

// Eight sessions of one user each send ten reads of seq 1. Only the first
// moves the cursor; it reaches each session once (not 8 x 10 x 8 times).
void TestHostileReplay::readThatDoesNotMoveSendsNothing()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.unreadCoalesceMs = 0; // every update at once: only the read rule is at work
    config.clientFramesPerSecond = 1000;
    QVERIFY(start(config));
    const QList<WsClient *> sessions = openSessions(u"a"_s, 8);
    QCOMPARE(sessions.size(), 8);
    fillHistory(u"a"_s, 1, 10);
    for (WsClient *session : sessions)
        QTRY_COMPARE(session->seqs().size(), 1);

    for (int round = 0; round < 10; ++round) {
        for (WsClient *session : sessions)
            session->send(ClientFrame::read(1));
    }
    // The reads are handled, the store has answered them, and a push queued
    // after its unread frames has reached every session.
    QVERIFY(allHandled(sessions));
    QCOMPARE(m_server->api().get(u"/api/v1/users/a/unread"_s).status, 200);
    const auto sentinel = m_server->api().post(
        u"/api/v1/notify"_s,
        {{u"users"_s, QJsonArray{u"a"_s}}, {u"store"_s, false}, {u"data"_s, u"sentinel"_s}});
    QCOMPARE(sentinel.status, 202);
    for (WsClient *session : sessions)
        QTRY_COMPARE(session->framesOfType(ServerFrame::Type::Notification).size(), 2);

    int total = 0;
    for (WsClient *session : sessions) {
        total += unreadFrames(*session);
        const ServerFrame last = session->framesOfType(ServerFrame::Type::Unread).value(0);
        QCOMPARE(last.readUpTo, 1);
        QCOMPARE(last.count, 0);
    }
    qInfo() << "unread frames for 80 reads by 8 sessions:" << total;
    QCOMPARE(total, 8);
    QVERIFY(stats().unreadFramesMerged > 0);
}

// One session reads its way through 20 notifications, one read frame each.
// Every session of the user hears the final cursor, in at most a few frames
// (one per unread_coalesce_ms), not twenty.
void TestHostileReplay::unreadUpdatesAreCoalesced()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.unreadCoalesceMs = 1000;
    config.clientFramesPerSecond = 1000;
    QVERIFY(start(config));
    const QList<WsClient *> sessions = openSessions(u"c"_s, 4);
    QCOMPARE(sessions.size(), 4);
    fillHistory(u"c"_s, 20, 10);
    for (WsClient *session : sessions)
        QTRY_COMPARE(session->seqs().size(), 20);

    for (int seq = 1; seq <= 20; ++seq)
        sessions.first()->send(ClientFrame::read(seq));
    for (WsClient *session : sessions) {
        QTRY_VERIFY_WITH_TIMEOUT(
            !session->framesOfType(ServerFrame::Type::Unread).isEmpty()
                && session->framesOfType(ServerFrame::Type::Unread).last().readUpTo == 20,
            10000);
    }
    for (WsClient *session : sessions) {
        qInfo() << "unread frames for 20 reads:" << unreadFrames(*session);
        QVERIFY2(unreadFrames(*session) <= 3, qPrintable(QString::number(unreadFrames(*session))));
        QCOMPARE(session->framesOfType(ServerFrame::Type::Unread).last().count, 0);
    }
    QVERIFY(stats().unreadFramesMerged > 0);
}

QTEST_MAIN(TestHostileReplay)
#include "tst_hostilereplay.moc"
