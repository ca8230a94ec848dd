#include "ws/clientsocket.h"
#include "ws/session.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

using namespace Herald;
using namespace Qt::Literals::StringLiterals;

namespace {

// A WebSocket connected over loopback: the server side goes to a Session, the
// client side records what arrives.
struct Pair
{
    QWebSocketServer server{u"tst_session"_s, QWebSocketServer::NonSecureMode};
    QWebSocket client;
    QWebSocket *serverSide = nullptr;
    QStringList received;
};

// QTRY_* and QVERIFY return from the function they are used in: a helper
// returning void, checked with QTest::currentTestFailed() by the caller.
void connectPair(Pair &pair)
{
    QVERIFY(pair.server.listen(QHostAddress::LocalHost, 0));
    QObject::connect(&pair.client, &QWebSocket::textMessageReceived, &pair.client,
                     [&pair](const QString &message) { pair.received.append(message); });
    QSignalSpy connected(&pair.client, &QWebSocket::connected);
    pair.client.open(QUrl(u"ws://127.0.0.1:%1/"_s.arg(pair.server.serverPort())));
    QTRY_VERIFY_WITH_TIMEOUT(pair.server.hasPendingConnections(), 30000);
    pair.serverSide = pair.server.nextPendingConnection();
    QVERIFY(pair.serverSide);
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 30000);
    // The handshake answer has left: from here on, bytesToWrite() is what a Session queued.
    QTRY_COMPARE_WITH_TIMEOUT(pair.serverSide->bytesToWrite(), 0, 30000);
}

std::unique_ptr<Session> openSession(Pair &pair, qint64 maxQueuedBytes = 1024 * 1024,
                                     int framesPerSecond = 20)
{
    SessionInfo info;
    info.id = SessionInfo::newId();
    info.user = u"alice"_s;
    // The Session takes both sockets as children.
    return std::make_unique<Session>(pair.serverSide, new ClientSocket(1024 * 1024), info,
                                     Session::Limits{maxQueuedBytes, framesPerSecond});
}

// "seq:text" -> (seq, text)
std::pair<qint64, QString> entry(const QString &item)
{
    return {item.section(u':', 0, 0).toLongLong(), item.section(u':', 1)};
}

// A server frame's header: not masked, 7-bit or 16-bit length.
qint64 frameHeader(qsizetype payload)
{
    return payload < 126 ? 2 : 4;
}

// Sends a last frame and waits for it: everything sent before it has arrived by then.
void drain(Pair &pair, Session &session)
{
    session.sendNow(u"end"_s);
    QTRY_VERIFY_WITH_TIMEOUT(pair.received.endsWith(u"end"_s), 30000);
    pair.received.removeLast();
}

} // namespace

// Session on its own, over a real loopback WebSocket, with no worker around it.
class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void releasesInOrderWithoutDuplicates_data();
    void releasesInOrderWithoutDuplicates();
    void budgetWhileOpening_data();
    void budgetWhileOpening();
    void stalledSinceLastCheck();
    void pingIsClearedByItsPong();
    void admitClientFrames_data();
    void admitClientFrames();
    void refillsAtTheRate_data();
    void refillsAtTheRate();
    void coalescesUnreadFrames_data();
    void coalescesUnreadFrames();
};

void TestSession::releasesInOrderWithoutDuplicates_data()
{
    QTest::addColumn<QStringList>("replay"); // sendNow() while opening, "seq:text"
    QTest::addColumn<QStringList>("held"); // deliver() while opening
    QTest::addColumn<qint64>("seenUpTo"); // goLive()
    QTest::addColumn<QStringList>("live"); // deliver() once live
    QTest::addColumn<QStringList>("expected"); // what the client gets, in order

    const QStringList none;
    QTest::newRow("nothing") << none << none << qint64(0) << none << none;
    QTest::newRow("held frames, in order")
        << none << QStringList{u"1:a"_s, u"2:b"_s, u"3:c"_s} << qint64(0) << none
        << QStringList{u"a"_s, u"b"_s, u"c"_s};
    QTest::newRow("replay first, then held")
        << QStringList{u"0:welcome"_s, u"1:r1"_s} << QStringList{u"2:b"_s, u"3:c"_s} << qint64(1)
        << none << QStringList{u"welcome"_s, u"r1"_s, u"b"_s, u"c"_s};
    QTest::newRow("replay covered some held frames")
        << QStringList{u"1:a"_s, u"2:b"_s} << QStringList{u"1:a"_s, u"2:b"_s, u"3:c"_s} << qint64(2)
        << none << QStringList{u"a"_s, u"b"_s, u"c"_s};
    QTest::newRow("seenUpTo covers all held")
        << none << QStringList{u"4:d"_s, u"5:e"_s} << qint64(5) << none << none;
    QTest::newRow("replayed seq skipped without seenUpTo")
        << QStringList{u"5:r5"_s} << QStringList{u"4:d"_s, u"5:e"_s, u"6:f"_s} << qint64(0) << none
        << QStringList{u"r5"_s, u"f"_s};
    QTest::newRow("seq 0 frames are never duplicates")
        << QStringList{u"3:r3"_s} << QStringList{u"0:x"_s, u"2:b"_s, u"0:y"_s} << qint64(3)
        << QStringList{u"0:z"_s, u"0:z"_s} << QStringList{u"r3"_s, u"x"_s, u"y"_s, u"z"_s, u"z"_s};
    QTest::newRow("the same seq held twice")
        << none << QStringList{u"1:a"_s, u"1:a"_s} << qint64(0) << none << QStringList{u"a"_s};
    QTest::newRow("a held seq below one released before it")
        << none << QStringList{u"5:e"_s, u"3:c"_s} << qint64(0) << none << QStringList{u"e"_s};
    QTest::newRow("live frames after a replay")
        << QStringList{u"7:r7"_s, u"8:r8"_s} << none << qint64(8)
        << QStringList{u"6:f"_s, u"8:h"_s, u"9:i"_s, u"9:i"_s, u"11:k"_s, u"10:j"_s}
        << QStringList{u"r7"_s, u"r8"_s, u"i"_s, u"k"_s};
    QTest::newRow("live frames, no replay")
        << none << none << qint64(0) << QStringList{u"1:a"_s, u"2:b"_s, u"2:b"_s}
        << QStringList{u"a"_s, u"b"_s};
}

void TestSession::releasesInOrderWithoutDuplicates()
{
    QFETCH(QStringList, replay);
    QFETCH(QStringList, held);
    QFETCH(qint64, seenUpTo);
    QFETCH(QStringList, live);
    QFETCH(QStringList, expected);

    Pair pair;
    connectPair(pair);
    if (QTest::currentTestFailed())
        return;
    const std::unique_ptr<Session> session = openSession(pair);
    QVERIFY(!session->isLive());
    for (const QString &item : replay)
        QVERIFY(session->sendNow(entry(item).second, entry(item).first));
    for (const QString &item : held)
        QVERIFY(session->deliver(entry(item).first, entry(item).second));

    // Nothing held has gone out: only the replay precedes the marker.
    drain(pair, *session);
    QStringList replayed;
    for (const QString &item : replay)
        replayed.append(entry(item).second);
    QCOMPARE(pair.received, replayed);

    QVERIFY(session->goLive(seenUpTo));
    QVERIFY(session->isLive());
    for (const QString &item : live)
        QVERIFY(session->deliver(entry(item).first, entry(item).second));
    drain(pair, *session);
    QCOMPARE(pair.received, expected);
    QCOMPARE(session->framesSent(), quint64(expected.size() + 2)); // and the two markers
}

void TestSession::budgetWhileOpening_data()
{
    QTest::addColumn<qint64>("budget");
    QTest::addColumn<QList<int>>("sizes"); // frames held, in characters
    QTest::addColumn<QList<bool>>("fits"); // what each deliver() returns
    QTest::addColumn<bool>("liveFits"); // what goLive() returns: now with frame headers

    QTest::newRow("under") << qint64(100) << QList<int>{30, 30} << QList<bool>{true, true} << true;
    QTest::newRow("the third goes over")
        << qint64(100) << QList<int>{40, 40, 40} << QList<bool>{true, true, false} << false;
    QTest::newRow("exactly the budget, then headers go over")
        << qint64(100) << QList<int>{50, 50} << QList<bool>{true, true} << false;
    QTest::newRow("one past the budget")
        << qint64(100) << QList<int>{50, 51} << QList<bool>{true, false} << false;
    QTest::newRow("a frame larger than the budget alone")
        << qint64(10) << QList<int>{500} << QList<bool>{true} << true;
    QTest::newRow("and one more") << qint64(10) << QList<int>{500, 1} << QList<bool>{true, false}
                                  << false;
    QTest::newRow("empty frames") << qint64(0) << QList<int>{0, 0} << QList<bool>{true, true}
                                  << false;
}

// Held frames count against the budget, then the socket's queue does.
void TestSession::budgetWhileOpening()
{
    QFETCH(qint64, budget);
    QFETCH(QList<int>, sizes);
    QFETCH(QList<bool>, fits);
    QFETCH(bool, liveFits);

    Pair pair;
    connectPair(pair);
    if (QTest::currentTestFailed())
        return;
    const std::unique_ptr<Session> session = openSession(pair, budget);
    QCOMPARE(session->budget(), budget);
    QCOMPARE(session->queuedBytes(), 0);
    qint64 held = 0;
    for (qsizetype i = 0; i < sizes.size(); ++i) {
        QCOMPARE(session->deliver(i + 1, QString(sizes[i], u'x')), fits[i]);
        held += sizes[i];
        QCOMPARE(session->queuedBytes(), held);
        QCOMPARE(session->overBudget(), held > budget);
    }
    QCOMPARE(pair.serverSide->bytesToWrite(), 0);

    // No event loop runs in goLive(): the frames, with their headers, are all
    // in the socket's queue.
    QCOMPARE(session->goLive(0), liveFits);
    qint64 queued = held;
    for (const int size : sizes)
        queued += frameHeader(size);
    QCOMPARE(session->queuedBytes(), queued);
    QCOMPARE(pair.serverSide->bytesToWrite(), queued);
    drain(pair, *session);
    QCOMPARE(pair.received.size(), sizes.size());
    QTRY_COMPARE_WITH_TIMEOUT(session->queuedBytes(), 0, 30000);
    QVERIFY(!session->overBudget());
}

// A client that does not read: bytes queued at two checks in a row, none written between.
void TestSession::stalledSinceLastCheck()
{
    Pair pair;
    connectPair(pair);
    if (QTest::currentTestFailed())
        return;
    const std::unique_ptr<Session> session = openSession(pair);
    QVERIFY(session->goLive(0));
    QVERIFY(!session->stalledSinceLastCheck()); // nothing queued
    QVERIFY(!session->stalledSinceLastCheck());

    QVERIFY(session->sendNow(QString(1000, u'x')));
    QVERIFY(!session->stalledSinceLastCheck()); // first check that sees it queued
    QVERIFY(session->stalledSinceLastCheck()); // no event loop ran: nothing was written

    QVERIFY(session->sendNow(u"more"_s));
    drain(pair, *session);
    QTRY_COMPARE_WITH_TIMEOUT(session->queuedBytes(), 0, 30000);
    QVERIFY(!session->stalledSinceLastCheck()); // written, nothing left
    QCOMPARE(pair.received, (QStringList{QString(1000, u'x'), u"more"_s}));
}

// The client's WebSocket answers pings by itself, with the ping's payload.
void TestSession::pingIsClearedByItsPong()
{
    Pair pair;
    connectPair(pair);
    if (QTest::currentTestFailed())
        return;
    const std::unique_ptr<Session> session = openSession(pair);
    QVERIFY(!session->awaitingPong());
    QCOMPARE(session->info().counters->lastPongMs.load(), 0);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    QSignalSpy pongs(pair.serverSide, &QWebSocket::pong);
    session->ping();
    QVERIFY(session->awaitingPong());
    QTRY_COMPARE_WITH_TIMEOUT(pongs.size(), 1, 30000);
    QVERIFY(!session->awaitingPong());
    QVERIFY(session->info().counters->lastPongMs.load() >= before);

    session->ping(); // a second round needs its own pong
    QVERIFY(session->awaitingPong());
    QTRY_COMPARE_WITH_TIMEOUT(pongs.size(), 2, 30000);
    QVERIFY(!session->awaitingPong());
}

void TestSession::admitClientFrames_data()
{
    QTest::addColumn<int>("framesPerSecond");
    QTest::addColumn<QList<int>>("counts"); // admitClientFrames() calls, in a row
    QTest::addColumn<QList<bool>>("admitted");

    // The bucket starts full, at twice the rate (the burst), and no call may
    // spend tokens it does not have.
    QTest::newRow("the burst") << 5 << QList<int>{10} << QList<bool>{true};
    QTest::newRow("past the burst") << 5 << QList<int>{10, 1} << QList<bool>{true, false};
    QTest::newRow("one over the burst at once")
        << 5 << QList<int>{11, 10} << QList<bool>{false, true};
    QTest::newRow("spread over calls")
        << 5 << QList<int>{4, 4, 3, 2, 1} << QList<bool>{true, true, false, true, false};
    QTest::newRow("nothing is always admitted")
        << 5 << QList<int>{10, 0, 1} << QList<bool>{true, true, false};
    QTest::newRow("rate 1") << 1 << QList<int>{1, 1, 1} << QList<bool>{true, true, false};
    QTest::newRow("rate 20 (the default)")
        << 20 << QList<int>{41, 40, 1} << QList<bool>{false, true, false};
    QTest::newRow("rate 100") << 100 << QList<int>{150, 50, 150, 1}
                              << QList<bool>{true, true, false, false};
}

void TestSession::admitClientFrames()
{
    QFETCH(int, framesPerSecond);
    QFETCH(QList<int>, counts);
    QFETCH(QList<bool>, admitted);

    // The bucket refills as the calls are made: a try only counts when the
    // calls took less than the time one token needs. A busy machine may need another.
    const qint64 tokenMs = 1000 / framesPerSecond;
    for (int attempt = 1;; ++attempt) {
        auto pair = std::make_unique<Pair>();
        connectPair(*pair);
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer elapsed;
        elapsed.start();
        const std::unique_ptr<Session> session = openSession(*pair, 1024 * 1024, framesPerSecond);
        QList<bool> results;
        for (const int count : counts)
            results.append(session->admitClientFrames(count));
        if (elapsed.elapsed() < tokenMs || attempt == 20) {
            QCOMPARE(results, admitted);
            break;
        }
    }
}

void TestSession::refillsAtTheRate_data()
{
    QTest::addColumn<int>("framesPerSecond");

    QTest::newRow("2/s") << 2;
    QTest::newRow("10/s") << 10;
    QTest::newRow("50/s") << 50;
}

// Once the burst is spent, the next frame is admitted no sooner than one
// token's time later, and the bucket fills up again to the burst only.
void TestSession::refillsAtTheRate()
{
    QFETCH(int, framesPerSecond);

    Pair pair;
    connectPair(pair);
    if (QTest::currentTestFailed())
        return;
    const std::unique_ptr<Session> session = openSession(pair, 1024 * 1024, framesPerSecond);
    QVERIFY(session->admitClientFrames(2 * framesPerSecond));
    QElapsedTimer elapsed;
    elapsed.start();
    // QTRY_* evaluates its condition again once it holds: remember the admission.
    bool one = false;
    QTRY_VERIFY_WITH_TIMEOUT(one || (one = session->admitClientFrames(1)), 30000);
    // The session's clock started before this one: allow the millisecond it may be ahead.
    QVERIFY2(elapsed.elapsed() >= 1000 / framesPerSecond - 1,
             qPrintable(QString::number(elapsed.elapsed())));
    bool burst = false;
    QTRY_VERIFY_WITH_TIMEOUT(burst || (burst = session->admitClientFrames(2 * framesPerSecond)),
                             30000);
    QVERIFY(!session->admitClientFrames(2 * framesPerSecond + 1)); // never past the burst
}

void TestSession::coalescesUnreadFrames_data()
{
    // Steps, with an interval of 250 ms: "live" goes live; "sent A" is
    // setSentUnread(A); "offer A <ms> <Send|Hold|Merged|Unchanged>";
    // "take <ms> <frame or ->" is takeDueUnread().
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<bool>("holds"); // holdsUnread() at the end

    QTest::newRow("held while opening, due once live")
        << QStringList{u"offer A 0 Hold"_s, u"take 0 -"_s, u"live"_s, u"take 0 A"_s} << false;
    QTest::newRow("sent at once when live")
        << QStringList{u"live"_s, u"offer A 1000 Send"_s} << false;
    QTest::newRow("what the client has is unchanged")
        << QStringList{u"live"_s, u"offer A 1000 Send"_s, u"offer A 5000 Unchanged"_s} << false;
    QTest::newRow("the welcome's count is what the client has")
        << QStringList{u"live"_s, u"sent A"_s, u"offer A 0 Unchanged"_s} << false;
    QTest::newRow("held within the interval, due after it")
        << QStringList{u"live"_s,        u"offer A 1000 Send"_s, u"offer B 1100 Hold"_s,
                       u"take 1249 -"_s, u"take 1250 B"_s,       u"take 1600 -"_s}
        << false;
    QTest::newRow("later updates merge into the held one") << QStringList{u"live"_s,
                                                                          u"offer A 1000 Send"_s,
                                                                          u"offer B 1100 Hold"_s,
                                                                          u"offer C 1150 Merged"_s,
                                                                          u"offer D 1400 Merged"_s,
                                                                          u"take 1400 D"_s}
                                                           << false;
    QTest::newRow("merged back to what the client has")
        << QStringList{u"live"_s, u"offer A 1000 Send"_s, u"offer B 1100 Hold"_s,
                       u"offer A 1150 Merged"_s, u"take 1300 -"_s}
        << false;
    QTest::newRow("still held before the interval")
        << QStringList{u"live"_s, u"offer A 1000 Send"_s, u"offer B 1100 Hold"_s, u"take 1200 -"_s}
        << true;
    QTest::newRow("interval restarts at each send") << QStringList{u"live"_s,
                                                                   u"offer A 1000 Send"_s,
                                                                   u"offer B 1250 Send"_s,
                                                                   u"offer C 1400 Hold"_s,
                                                                   u"take 1499 -"_s,
                                                                   u"take 1500 C"_s,
                                                                   u"offer D 1600 Hold"_s}
                                                    << true;
}

void TestSession::coalescesUnreadFrames()
{
    QFETCH(QStringList, steps);
    QFETCH(bool, holds);

    Pair pair;
    connectPair(pair);
    if (QTest::currentTestFailed())
        return;
    const std::unique_ptr<Session> session = openSession(pair);
    const QHash<QString, Session::Unread> outcomes{{u"Send"_s, Session::Unread::Send},
                                                   {u"Hold"_s, Session::Unread::Hold},
                                                   {u"Merged"_s, Session::Unread::Merged},
                                                   {u"Unchanged"_s, Session::Unread::Unchanged}};
    for (const QString &step : steps) {
        const QStringList word = step.split(u' ');
        if (word[0] == u"live"_s) {
            QVERIFY(session->goLive(0));
        } else if (word[0] == u"sent"_s) {
            session->setSentUnread(word[1]);
        } else if (word[0] == u"offer"_s) {
            QVERIFY2(session->offerUnread(word[1], word[2].toLongLong(), 250)
                         == outcomes.value(word[3]),
                     qPrintable(step));
        } else {
            const QString expected = word[2] == u"-"_s ? QString() : word[2];
            QCOMPARE(session->takeDueUnread(word[1].toLongLong(), 250), expected);
        }
    }
    QCOMPARE(session->holdsUnread(), holds);
    QCOMPARE(session->framesSent(), 0); // the worker sends them, not the session
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
