#include "broker/shardsubscriptions.h"

#include <QTest>

using namespace Herald;

namespace {

constexpr int LongGraceMs = 600000; // never over during a test
const ShardSubscriptions::Ready nothing = [] {};

// Runs what subscribed() hands back; returns how many.
int runAll(const std::vector<ShardSubscriptions::Ready> &waiting)
{
    for (const ShardSubscriptions::Ready &ready : waiting)
        ready();
    return int(waiting.size());
}

} // namespace

// The bookkeeping behind routing (docs/broker.md "Routing"): which shards a node must
// hear, and when a session of a shard may read its position.
class TestShardSubscriptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sessionsWaitForTheSubscribeReply();
    void brokerDownLetsSessionsGoAtOnce();
    void idleShardGoesAfterGrace();
    void joinWhileUnsubscribingSubscribesOnTheReply();
    void resetLetsWaitingSessionsGo();
};

void TestShardSubscriptions::sessionsWaitForTheSubscribeReply()
{
    ShardSubscriptions subscriptions(64, LongGraceMs);
    int ready = 0;
    const auto count = [&] { ++ready; };
    QVERIFY(subscriptions.join(5, count, true)); // SUBSCRIBE now
    QVERIFY(!subscriptions.join(5, count, true)); // already on its way
    QCOMPARE(ready, 0);
    QVERIFY(subscriptions.anyPending());
    QCOMPARE(subscriptions.subscribedCount(), 0);
    QCOMPARE(runAll(subscriptions.subscribed(5)), 2);
    QCOMPARE(ready, 2);
    QCOMPARE(subscriptions.subscribedCount(), 1);
    QVERIFY(!subscriptions.anyPending());
    QVERIFY(!subscriptions.join(5, count, true)); // subscribed: no wait
    QCOMPARE(ready, 3);
    QCOMPARE(runAll(subscriptions.subscribed(5)), 0); // a stray reply changes nothing
}

void TestShardSubscriptions::brokerDownLetsSessionsGoAtOnce()
{
    ShardSubscriptions subscriptions(64, LongGraceMs);
    int ready = 0;
    const auto count = [&] { ++ready; };
    QVERIFY(!subscriptions.join(9, count, false));
    QCOMPARE(ready, 1);
    QVERIFY(!subscriptions.join(3, count, false));
    subscriptions.leave(3);
    // The next connection subscribes to the shards that still have sessions.
    QCOMPARE(subscriptions.takeHeld(), QList<int>{9});
    QCOMPARE(subscriptions.takeHeld(), QList<int>{});
    QCOMPARE(runAll(subscriptions.subscribed(9)), 0);
    QCOMPARE(subscriptions.subscribedCount(), 1);
}

void TestShardSubscriptions::idleShardGoesAfterGrace()
{
    ShardSubscriptions lingering(64, LongGraceMs);
    lingering.join(4, nothing, true);
    runAll(lingering.subscribed(4));
    lingering.leave(4);
    QVERIFY(lingering.takeIdle().isEmpty());
    QVERIFY(!lingering.nextIdleDeadline().isForever());
    lingering.join(4, nothing, true); // back within the grace period: it stays
    QVERIFY(lingering.nextIdleDeadline().isForever());

    ShardSubscriptions prompt(64, 0);
    prompt.join(4, nothing, true);
    prompt.join(4, nothing, true);
    runAll(prompt.subscribed(4));
    prompt.leave(4);
    QVERIFY(prompt.takeIdle().isEmpty()); // one session left
    prompt.leave(4);
    QCOMPARE(prompt.takeIdle(), QList<int>{4});
    QVERIFY(prompt.takeIdle().isEmpty());
    QVERIFY(!prompt.unsubscribed(4));
    QCOMPARE(prompt.subscribedCount(), 0);
}

// hiredis 0.14 forgets a channel's callback on its UNSUBSCRIBE reply: the SUBSCRIBE of a
// session that joins meanwhile is sent only once that reply is in.
void TestShardSubscriptions::joinWhileUnsubscribingSubscribesOnTheReply()
{
    ShardSubscriptions subscriptions(64, 0);
    subscriptions.join(7, nothing, true);
    runAll(subscriptions.subscribed(7));
    subscriptions.leave(7);
    QCOMPARE(subscriptions.takeIdle(), QList<int>{7});
    int ready = 0;
    const auto count = [&] { ++ready; };
    QVERIFY(!subscriptions.join(7, count, true));
    QVERIFY(subscriptions.unsubscribed(7)); // SUBSCRIBE now
    QCOMPARE(ready, 0);
    QCOMPARE(runAll(subscriptions.subscribed(7)), 1);
    QCOMPARE(ready, 1);
    QCOMPARE(subscriptions.subscribedCount(), 1);
}

void TestShardSubscriptions::resetLetsWaitingSessionsGo()
{
    ShardSubscriptions subscriptions(64, LongGraceMs);
    int ready = 0;
    const auto count = [&] { ++ready; };
    subscriptions.join(1, count, true);
    subscriptions.join(2, count, true);
    runAll(subscriptions.subscribed(2));
    QCOMPARE(ready, 1);
    subscriptions.reset();
    QCOMPARE(ready, 2);
    QCOMPARE(subscriptions.subscribedCount(), 0);
    QCOMPARE(subscriptions.takeHeld(), QList<int>({1, 2}));
}

QTEST_GUILESS_MAIN(TestShardSubscriptions)
#include "tst_shardsubscriptions.moc"
