// AdminFeed on its own: what it keeps while an admin client listens, what it
// drops past its bound, and what it tells when nobody listens.
#include "admin/adminannouncer.h"
#include "admin/admineventbatch.h"
#include "admin/adminfeed.h"
#include "admin/adminkeys.h"
#include "push/pushoutcome.h"
#include "pushrequest.h"

#include <QJsonDocument>
#include <QTest>
#include <QThread>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

namespace {

SessionInfo session(const QString &user)
{
    return {SessionInfo::newId(), user,      QDateTime::currentDateTimeUtc(),
            u"127.0.0.1"_s,       u"test"_s, std::make_shared<SessionLiveCounters>()};
}

} // namespace

class TestAdminFeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void disabledFeedKeepsNothing();
    void eventsComeInOrderAndTakeEmpties();
    void pushAccepted_data();
    void pushAccepted();
    void overflowIsCountedNotKept();
    void disablingDropsWhatWasQueued();
    void writersInSeveralThreads();
    void sessionsScopeLeavesPushesOut();
    void announcerSendsSessionsAlwaysAndPushesWhenListened();
};

void TestAdminFeed::disabledFeedKeepsNothing()
{
    AdminFeed feed;
    feed.sessionOpened(session(u"a"_s));
    feed.pushAccepted(PushRequest{}, PushOutcome{}, 10);
    const AdminFeed::Batch batch = feed.take();
    QVERIFY(batch.events.isEmpty());
    QCOMPARE(batch.dropped, 0);
}

void TestAdminFeed::eventsComeInOrderAndTakeEmpties()
{
    AdminFeed feed;
    feed.setEnabled(true);
    const SessionInfo alice = session(u"alice"_s);
    feed.sessionOpened(alice);
    feed.sessionClosed(alice, 4003, u"kicked"_s);
    AdminFeed::Batch batch = feed.take();
    QCOMPARE(batch.events.size(), 2);
    QCOMPARE(batch.events[0].kind, AdminEvent::Kind::SessionOpened);
    QCOMPARE(batch.events[0].session, alice.record());
    QCOMPARE(batch.events[1].kind, AdminEvent::Kind::SessionClosed);
    QCOMPARE(batch.events[1].closeCode, 4003);
    QCOMPARE(batch.events[1].closeReason, u"kicked"_s);
    QVERIFY(feed.take().events.isEmpty());
}

void TestAdminFeed::pushAccepted_data()
{
    QTest::addColumn<bool>("broadcast");
    QTest::addColumn<int>("users");
    QTest::addColumn<bool>("stored");
    QTest::addColumn<int>("namedUsers");
    QTest::newRow("notify, one user, stored") << false << 1 << true << 1;
    QTest::newRow("notify, 100 users") << false << 100 << true << 100;
    QTest::newRow("notify, 250 users: 100 named") << false << 250 << false << 100;
    QTest::newRow("broadcast names no one") << true << 0 << false << 0;
}

void TestAdminFeed::pushAccepted()
{
    QFETCH(bool, broadcast);
    QFETCH(int, users);
    QFETCH(bool, stored);
    QFETCH(int, namedUsers);
    PushRequest request;
    request.kind = broadcast ? PushRequest::Kind::Broadcast : PushRequest::Kind::Notify;
    request.event = u"comment.created"_s;
    for (int i = 0; i < users; ++i)
        request.users.append(u"u%1"_s.arg(i));
    PushOutcome outcome;
    outcome.id = u"n1"_s;
    outcome.broadcast = broadcast;
    outcome.stored = stored;
    outcome.sessions = 7;
    AdminFeed feed;
    feed.setEnabled(true);
    feed.pushAccepted(request, outcome, 42);
    const QList<AdminEvent> events = feed.take().events;
    QCOMPARE(events.size(), 1);
    const AdminEvent &event = events.first();
    QCOMPARE(event.kind, AdminEvent::Kind::Notification);
    QCOMPARE(event.notificationId, u"n1"_s);
    QCOMPARE(event.eventName, u"comment.created"_s);
    QCOMPARE(event.broadcast, broadcast);
    QCOMPARE(event.users.size(), namedUsers);
    QCOMPARE(event.users, request.users.mid(0, namedUsers));
    QCOMPARE(event.userCount, broadcast ? 0 : users);
    QCOMPARE(event.payloadBytes, 42);
    QCOMPARE(event.sessionsReached, 7);
    QCOMPARE(event.stored, stored);
}

void TestAdminFeed::overflowIsCountedNotKept()
{
    AdminFeed feed;
    feed.setEnabled(true);
    const SessionInfo info = session(u"u"_s);
    for (qsizetype i = 0; i < AdminFeed::MaxQueued + 25; ++i)
        feed.sessionOpened(info);
    AdminFeed::Batch batch = feed.take();
    QCOMPARE(batch.events.size(), AdminFeed::MaxQueued);
    QCOMPARE(batch.dropped, 25);
    feed.sessionOpened(info); // room again, and the count starts over
    batch = feed.take();
    QCOMPARE(batch.events.size(), 1);
    QCOMPARE(batch.dropped, 0);
}

void TestAdminFeed::disablingDropsWhatWasQueued()
{
    AdminFeed feed;
    feed.setEnabled(true);
    feed.sessionOpened(session(u"u"_s));
    feed.setEnabled(false);
    feed.setEnabled(true);
    QVERIFY(feed.take().events.isEmpty());
}

void TestAdminFeed::writersInSeveralThreads()
{
    AdminFeed feed;
    feed.setEnabled(true);
    constexpr int Threads = 4;
    constexpr int PerThread = 1000;
    QList<QThread *> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.append(QThread::create([&feed, t] {
            const SessionInfo info = session(u"user%1"_s.arg(t));
            for (int i = 0; i < PerThread; ++i)
                feed.sessionOpened(info);
        }));
        threads.last()->start();
    }
    qsizetype seen = 0;
    while (
        std::any_of(threads.cbegin(), threads.cend(), [](QThread *t) { return !t->isFinished(); }))
        seen += feed.take().events.size();
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(30000));
        delete thread;
    }
    const AdminFeed::Batch last = feed.take();
    QCOMPARE(seen + last.events.size() + last.dropped, qsizetype(Threads * PerThread));
}

void TestAdminFeed::sessionsScopeLeavesPushesOut()
{
    AdminFeed feed;
    feed.setScope(AdminFeed::Scope::Sessions);
    QVERIFY(feed.isEnabled());
    feed.sessionOpened(session(u"a"_s));
    feed.pushAccepted(PushRequest{}, PushOutcome{}, 10);
    const AdminFeed::Batch batch = feed.take();
    QCOMPARE(batch.events.size(), 1);
    QCOMPARE(batch.events[0].kind, AdminEvent::Kind::SessionOpened);
}

// In a cluster: a session event is announced with the node's name even while no admin client
// listens anywhere; pushes and stats join once one does.
void TestAdminFeed::announcerSendsSessionsAlwaysAndPushesWhenListened()
{
    AdminFeed feed;
    int statsCalls = 0;
    AdminAnnouncer announcer(
        feed, u"node-x"_s,
        [&statsCalls] {
            ++statsCalls;
            return QJsonObject{{u"sessions"_s, 1}, {u"users"_s, 1}, {u"notifications"_s, 0}};
        },
        0);
    QVERIFY(announcer.announce(false).isEmpty()); // nothing happened

    const SessionInfo alice = session(u"alice"_s);
    feed.sessionOpened(alice);
    PushRequest push;
    push.users = {u"alice"_s};
    feed.pushAccepted(push, PushOutcome{}, 10);
    QJsonObject message = QJsonDocument::fromJson(announcer.announce(false)).object();
    QCOMPARE(message.value(AdminKey::Node).toString(), u"node-x"_s);
    QList<AdminEvent> events = AdminEventBatch::fromJson(message)->events;
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].kind, AdminEvent::Kind::SessionOpened);
    QCOMPARE(events[0].session.node, u"node-x"_s);
    QVERIFY(!message.contains(AdminType::Stats));
    QCOMPARE(statsCalls, 0);

    // Someone listens: from the next announcement on, pushes too; stats once a rate exists.
    QVERIFY(announcer.announce(true).isEmpty());
    feed.pushAccepted(push, PushOutcome{}, 10);
    message = QJsonDocument::fromJson(announcer.announce(true)).object();
    events = AdminEventBatch::fromJson(message)->events;
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].kind, AdminEvent::Kind::Notification);
    const QJsonObject stats = message.value(AdminType::Stats).toObject();
    QCOMPARE(stats.value(AdminKey::Node).toString(), u"node-x"_s);
    QCOMPARE(stats.value(u"sessions"_s).toInt(), 1);
    QVERIFY(stats.contains(u"pushes_per_s"_s));

    // Nobody listens any more: pushes are not even queued.
    QVERIFY(announcer.announce(false).isEmpty());
    feed.pushAccepted(push, PushOutcome{}, 10);
    QVERIFY(feed.take().events.isEmpty());
}

QTEST_GUILESS_MAIN(TestAdminFeed)
#include "tst_adminfeed.moc"
