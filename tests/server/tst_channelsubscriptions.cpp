#include "broker/channelsubscriptions.h"

#include <QTest>

#include <algorithm>

using namespace Herald;

namespace {

constexpr int LongGraceMs = 600000; // never over during a test
const ChannelSubscriptions::Ready nothing = [] {};

// Runs what subscribed() hands back; returns how many.
int runAll(const std::vector<ChannelSubscriptions::Ready> &waiting)
{
    for (const ChannelSubscriptions::Ready &ready : waiting)
        ready();
    return int(waiting.size());
}

} // namespace

// The bookkeeping behind routing (docs/broker.md "Routing"): which user channels a node
// must hear, and when a session of a user may read its position.
class TestChannelSubscriptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sessionsWaitForTheSubscribeReply();
    void brokerDownLetsSessionsGoAtOnce();
    void idleChannelGoesAfterGrace();
    void joinWhileUnsubscribingSubscribesOnTheReply();
    void resetLetsWaitingSessionsGo();
    void unusedChannelsAreForgotten();
    void idleQueueSkipsChannelsJoinedAgain();
};

void TestChannelSubscriptions::sessionsWaitForTheSubscribeReply()
{
    ChannelSubscriptions subscriptions(LongGraceMs);
    int ready = 0;
    const auto count = [&] { ++ready; };
    QVERIFY(subscriptions.join("c5", count, true)); // SUBSCRIBE now
    QVERIFY(!subscriptions.join("c5", count, true)); // already on its way
    QCOMPARE(ready, 0);
    QVERIFY(subscriptions.anyPending());
    QCOMPARE(subscriptions.subscribedCount(), 0);
    QCOMPARE(runAll(subscriptions.subscribed("c5")), 2);
    QCOMPARE(ready, 2);
    QCOMPARE(subscriptions.subscribedCount(), 1);
    QVERIFY(!subscriptions.anyPending());
    QVERIFY(!subscriptions.join("c5", count, true)); // subscribed: no wait
    QCOMPARE(ready, 3);
    QCOMPARE(runAll(subscriptions.subscribed("c5")), 0); // a stray reply changes nothing
}

void TestChannelSubscriptions::brokerDownLetsSessionsGoAtOnce()
{
    ChannelSubscriptions subscriptions(LongGraceMs);
    int ready = 0;
    const auto count = [&] { ++ready; };
    QVERIFY(!subscriptions.join("c9", count, false));
    QCOMPARE(ready, 1);
    QVERIFY(!subscriptions.join("c3", count, false));
    subscriptions.leave("c3");
    // The next connection subscribes to the channels that still have sessions.
    QCOMPARE(subscriptions.takeHeld(), QList<QByteArray>{"c9"});
    QCOMPARE(subscriptions.takeHeld(), QList<QByteArray>{});
    QCOMPARE(runAll(subscriptions.subscribed("c9")), 0);
    QCOMPARE(subscriptions.subscribedCount(), 1);
}

void TestChannelSubscriptions::idleChannelGoesAfterGrace()
{
    ChannelSubscriptions lingering(LongGraceMs);
    lingering.join("c4", nothing, true);
    runAll(lingering.subscribed("c4"));
    lingering.leave("c4");
    QVERIFY(lingering.takeIdle().isEmpty());
    QVERIFY(!lingering.nextIdleDeadline().isForever());
    lingering.join("c4", nothing, true); // back within the grace period: it stays
    QVERIFY(lingering.nextIdleDeadline().isForever());

    ChannelSubscriptions prompt(0);
    prompt.join("c4", nothing, true);
    prompt.join("c4", nothing, true);
    runAll(prompt.subscribed("c4"));
    prompt.leave("c4");
    QVERIFY(prompt.takeIdle().isEmpty()); // one session left
    prompt.leave("c4");
    QCOMPARE(prompt.takeIdle(), QList<QByteArray>{"c4"});
    QVERIFY(prompt.takeIdle().isEmpty());
    QVERIFY(!prompt.unsubscribed("c4"));
    QCOMPARE(prompt.subscribedCount(), 0);
}

// hiredis 0.14 forgets a channel's callback on its UNSUBSCRIBE reply: the SUBSCRIBE of a
// session that joins meanwhile is sent only once that reply is in.
void TestChannelSubscriptions::joinWhileUnsubscribingSubscribesOnTheReply()
{
    ChannelSubscriptions subscriptions(0);
    subscriptions.join("c7", nothing, true);
    runAll(subscriptions.subscribed("c7"));
    subscriptions.leave("c7");
    QCOMPARE(subscriptions.takeIdle(), QList<QByteArray>{"c7"});
    int ready = 0;
    const auto count = [&] { ++ready; };
    QVERIFY(!subscriptions.join("c7", count, true));
    QVERIFY(subscriptions.unsubscribed("c7")); // SUBSCRIBE now
    QCOMPARE(ready, 0);
    QCOMPARE(runAll(subscriptions.subscribed("c7")), 1);
    QCOMPARE(ready, 1);
    QCOMPARE(subscriptions.subscribedCount(), 1);
}

void TestChannelSubscriptions::resetLetsWaitingSessionsGo()
{
    ChannelSubscriptions subscriptions(LongGraceMs);
    int ready = 0;
    const auto count = [&] { ++ready; };
    subscriptions.join("c1", count, true);
    subscriptions.join("c2", count, true);
    runAll(subscriptions.subscribed("c2"));
    QCOMPARE(ready, 1);
    subscriptions.reset();
    QCOMPARE(ready, 2);
    QCOMPARE(subscriptions.subscribedCount(), 0);
    QList<QByteArray> held = subscriptions.takeHeld();
    std::sort(held.begin(), held.end());
    QCOMPARE(held, QList<QByteArray>({"c1", "c2"}));
}

// A node's users come and go: what it keeps is bounded by the channels in use, not by
// every user it ever had.
void TestChannelSubscriptions::unusedChannelsAreForgotten()
{
    ChannelSubscriptions subscriptions(0);
    for (int i = 0; i < 1000; ++i) {
        const QByteArray channel = "u" + QByteArray::number(i);
        QVERIFY(subscriptions.join(channel, nothing, true));
        QCOMPARE(runAll(subscriptions.subscribed(channel)), 1);
        subscriptions.leave(channel);
    }
    QCOMPARE(subscriptions.trackedCount(), 1000); // in their grace period
    const QList<QByteArray> idle = subscriptions.takeIdle();
    QCOMPARE(idle.size(), 1000);
    for (const QByteArray &channel : idle)
        QVERIFY(!subscriptions.unsubscribed(channel));
    QCOMPARE(subscriptions.trackedCount(), 0);
    QCOMPARE(subscriptions.subscribedCount(), 0);
    QVERIFY(subscriptions.nextIdleDeadline().isForever());

    // Joined and left while the broker was down: never subscribed, nothing kept.
    subscriptions.join("down", nothing, false);
    subscriptions.leave("down");
    QCOMPARE(subscriptions.trackedCount(), 0);
    QVERIFY(subscriptions.takeHeld().isEmpty());

    // A reset keeps only the channels with sessions.
    subscriptions.join("kept", nothing, true);
    subscriptions.join("gone", nothing, true);
    runAll(subscriptions.subscribed("gone"));
    subscriptions.leave("gone");
    subscriptions.reset();
    QCOMPARE(subscriptions.trackedCount(), 1);
    QCOMPARE(subscriptions.takeHeld(), QList<QByteArray>{"kept"});
}

// A channel left, joined again and left again has two entries in the idle queue: only the
// last one counts, and the channel goes once.
void TestChannelSubscriptions::idleQueueSkipsChannelsJoinedAgain()
{
    ChannelSubscriptions subscriptions(0);
    subscriptions.join("a", nothing, true);
    subscriptions.join("b", nothing, true);
    runAll(subscriptions.subscribed("a"));
    runAll(subscriptions.subscribed("b"));
    subscriptions.leave("a");
    subscriptions.join("a", nothing, true); // back: its first grace no longer counts
    subscriptions.leave("b");
    QCOMPARE(subscriptions.takeIdle(), QList<QByteArray>{"b"});
    subscriptions.leave("a");
    QCOMPARE(subscriptions.takeIdle(), QList<QByteArray>{"a"});
    QVERIFY(subscriptions.takeIdle().isEmpty());
    QCOMPARE(subscriptions.subscribedCount(), 0);

    // Left while its SUBSCRIBE is unanswered: it goes once the reply is in, a grace later.
    subscriptions.join("c", nothing, true);
    subscriptions.leave("c");
    QVERIFY(subscriptions.takeIdle().isEmpty());
    QCOMPARE(runAll(subscriptions.subscribed("c")), 1);
    QCOMPARE(subscriptions.takeIdle(), QList<QByteArray>{"c"});
}

QTEST_GUILESS_MAIN(TestChannelSubscriptions)
#include "tst_channelsubscriptions.moc"
