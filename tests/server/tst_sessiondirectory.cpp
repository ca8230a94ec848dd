#include "ws/sessiondirectory.h"

#include <QScopeGuard>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace Herald;
using namespace Qt::Literals::StringLiterals;

namespace {

SessionInfo sessionInfo(const QString &id, const QString &user)
{
    SessionInfo info;
    info.id = id;
    info.user = user;
    info.connectedAt = QDateTime::currentDateTimeUtc();
    return info;
}

// Adds each "id=user" entry in order.
void addAll(SessionDirectory &directory, const QStringList &entries)
{
    for (const QString &entry : entries)
        directory.add(sessionInfo(entry.section(u'=', 0, 0), entry.section(u'=', 1)));
}

QStringList ids(const QList<SessionInfo> &sessions)
{
    QStringList result;
    for (const SessionInfo &info : sessions)
        result.append(info.id);
    return result;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

// SessionDirectory on its own: the index the push API reads for counts and presence.
class TestSessionDirectory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addAndRemove_data();
    void addAndRemove();
    void page_data();
    void page();
    void pageFollowsCreationOrderOfNewIds();
    void reach_data();
    void reach();
    void concurrentReadersAndWriters();
};

void TestSessionDirectory::addAndRemove_data()
{
    QTest::addColumn<QStringList>("adds"); // "id=user", in order
    QTest::addColumn<QStringList>("removes");
    QTest::addColumn<int>("sessions");
    QTest::addColumn<QStringList>("users"); // sorted
    QTest::addColumn<QStringList>("aliceSessions"); // sessionsOf("alice"), in add order

    QTest::newRow("empty") << QStringList() << QStringList() << 0 << QStringList() << QStringList();
    QTest::newRow("one session") << QStringList{u"s1=alice"_s} << QStringList() << 1
                                 << QStringList{u"alice"_s} << QStringList{u"s1"_s};
    QTest::newRow("one user, two sessions")
        << QStringList{u"s2=alice"_s, u"s1=alice"_s} << QStringList() << 2
        << QStringList{u"alice"_s} << QStringList{u"s2"_s, u"s1"_s};
    QTest::newRow("two users") << QStringList{u"s1=alice"_s, u"s2=bob"_s} << QStringList() << 2
                               << QStringList{u"alice"_s, u"bob"_s} << QStringList{u"s1"_s};
    QTest::newRow("a user keeps her other session")
        << QStringList{u"s1=alice"_s, u"s2=alice"_s, u"s3=bob"_s} << QStringList{u"s1"_s} << 2
        << QStringList{u"alice"_s, u"bob"_s} << QStringList{u"s2"_s};
    QTest::newRow("last session gone, user gone")
        << QStringList{u"s1=alice"_s, u"s2=bob"_s} << QStringList{u"s1"_s} << 1
        << QStringList{u"bob"_s} << QStringList();
    QTest::newRow("unknown id is ignored") << QStringList{u"s1=alice"_s} << QStringList{u"s9"_s}
                                           << 1 << QStringList{u"alice"_s} << QStringList{u"s1"_s};
    QTest::newRow("removed twice")
        << QStringList{u"s1=alice"_s, u"s2=alice"_s} << QStringList{u"s1"_s, u"s1"_s} << 1
        << QStringList{u"alice"_s} << QStringList{u"s2"_s};
    QTest::newRow("everything removed")
        << QStringList{u"s1=alice"_s, u"s2=bob"_s, u"s3=alice"_s}
        << QStringList{u"s3"_s, u"s2"_s, u"s1"_s} << 0 << QStringList() << QStringList();
    QTest::newRow("user ids are case-sensitive")
        << QStringList{u"s1=alice"_s, u"s2=Alice"_s} << QStringList() << 2
        << QStringList{u"Alice"_s, u"alice"_s} << QStringList{u"s1"_s};
}

void TestSessionDirectory::addAndRemove()
{
    QFETCH(QStringList, adds);
    QFETCH(QStringList, removes);
    QFETCH(int, sessions);
    QFETCH(QStringList, users);
    QFETCH(QStringList, aliceSessions);

    SessionDirectory directory;
    addAll(directory, adds);
    for (const QString &id : removes)
        directory.remove(id);

    QCOMPARE(directory.sessionCount(), sessions);
    QCOMPARE(directory.userCount(), users.size());
    QCOMPARE(sorted(directory.users()), users);
    QCOMPARE(ids(directory.sessionsOf(u"alice"_s)), aliceSessions);
    QVERIFY(directory.sessionsOf(u"nobody"_s).isEmpty());
    for (const QString &entry : adds) {
        const QString id = entry.section(u'=', 0, 0);
        const std::optional<SessionInfo> info = directory.session(id);
        QCOMPARE(info.has_value(), !removes.contains(id));
        if (info)
            QCOMPARE(info->user, entry.section(u'=', 1));
    }
    QCOMPARE(ids(directory.page(0, 100)).size(), sessions);
}

void TestSessionDirectory::page_data()
{
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<qsizetype>("limit");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("all") << qsizetype(0) << qsizetype(100)
                         << QStringList{u"s_1"_s, u"s_2"_s, u"s_3"_s, u"s_4"_s, u"s_5"_s};
    QTest::newRow("exactly all") << qsizetype(0) << qsizetype(5)
                                 << QStringList{u"s_1"_s, u"s_2"_s, u"s_3"_s, u"s_4"_s, u"s_5"_s};
    QTest::newRow("first page") << qsizetype(0) << qsizetype(2) << QStringList{u"s_1"_s, u"s_2"_s};
    QTest::newRow("second page") << qsizetype(2) << qsizetype(2) << QStringList{u"s_3"_s, u"s_4"_s};
    QTest::newRow("short last page") << qsizetype(4) << qsizetype(2) << QStringList{u"s_5"_s};
    QTest::newRow("offset at the end") << qsizetype(5) << qsizetype(2) << QStringList();
    QTest::newRow("offset past the end") << qsizetype(9) << qsizetype(2) << QStringList();
    QTest::newRow("zero limit") << qsizetype(1) << qsizetype(0) << QStringList();
    QTest::newRow("one from the middle") << qsizetype(2) << qsizetype(1) << QStringList{u"s_3"_s};
}

// Sessions come in connection order (their ids sort by it), whatever the order
// of add() and whoever they belong to.
void TestSessionDirectory::page()
{
    QFETCH(qsizetype, offset);
    QFETCH(qsizetype, limit);
    QFETCH(QStringList, expected);

    SessionDirectory directory;
    addAll(directory, {u"s_4=bob"_s, u"s_2=alice"_s, u"s_5=alice"_s, u"s_1=carol"_s, u"s_3=bob"_s});
    QCOMPARE(ids(directory.page(offset, limit)), expected);
}

void TestSessionDirectory::pageFollowsCreationOrderOfNewIds()
{
    QStringList created;
    for (int i = 0; i < 50; ++i)
        created.append(SessionInfo::newId());
    SessionDirectory directory;
    for (qsizetype i = created.size() - 1; i >= 0; --i)
        directory.add(sessionInfo(created.at(i), u"user%1"_s.arg(i % 7)));
    QCOMPARE(ids(directory.page(0, created.size())), created);
    QCOMPARE(ids(directory.page(10, 5)), created.mid(10, 5));
}

void TestSessionDirectory::reach_data()
{
    QTest::addColumn<QStringList>("users");
    QTest::addColumn<int>("usersOnline");
    QTest::addColumn<int>("sessions");

    QTest::newRow("nobody asked") << QStringList() << 0 << 0;
    QTest::newRow("one user, one session") << QStringList{u"bob"_s} << 1 << 1;
    QTest::newRow("one user, three sessions") << QStringList{u"alice"_s} << 1 << 3;
    QTest::newRow("two users") << QStringList{u"alice"_s, u"bob"_s} << 2 << 4;
    QTest::newRow("offline user") << QStringList{u"dave"_s} << 0 << 0;
    QTest::newRow("user whose sessions closed") << QStringList{u"carol"_s} << 0 << 0;
    QTest::newRow("online and offline")
        << QStringList{u"dave"_s, u"alice"_s, u"carol"_s, u"bob"_s} << 2 << 4;
    QTest::newRow("case matters") << QStringList{u"ALICE"_s, u"Bob"_s} << 0 << 0;
    QTest::newRow("empty user id") << QStringList{QString()} << 0 << 0;
}

void TestSessionDirectory::reach()
{
    QFETCH(QStringList, users);
    QFETCH(int, usersOnline);
    QFETCH(int, sessions);

    SessionDirectory directory;
    addAll(
        directory,
        {u"s1=alice"_s, u"s2=bob"_s, u"s3=alice"_s, u"s4=carol"_s, u"s5=alice"_s, u"s6=carol"_s});
    directory.remove(u"s4"_s);
    directory.remove(u"s6"_s);

    const SessionDirectory::Reach reach = directory.reach(users);
    QCOMPARE(reach.usersOnline, usersOnline);
    QCOMPARE(reach.sessions, sessions);
    // The same through the interface the store uses.
    const Audience &audience = directory;
    QCOMPARE(audience.reach(users).sessions, sessions);
    QCOMPARE(audience.sessionCount(), 4);
}

// Writers add sessions and remove every other one while readers query all the
// time; afterwards the index holds exactly what the writers left.
void TestSessionDirectory::concurrentReadersAndWriters()
{
    constexpr int Writers = 4;
    constexpr int Readers = 3;
    constexpr int SessionsPerWriter = 2000;
    constexpr int UsersPerWriter = 8;

    SessionDirectory directory;
    std::atomic<bool> writing{true};
    std::atomic<int> readerFailures{0};
    std::atomic<qint64> reads{0};
    std::vector<std::unique_ptr<QThread>> writers;
    std::vector<std::unique_ptr<QThread>> readers;

    // Writer w adds s_w_00000, s_w_00001, ...; at every odd i it removes one of the last
    // two: i - 1 when i % 4 == 1, else i. Left: the sessions with i % 4 in {1, 2}, so
    // half of them, belonging to the users w<w>_u<n> with n % 4 in {1, 2}.
    const auto sessionId
        = [](int w, int i) { return u"s_%1_%2"_s.arg(w).arg(i, 5, 10, QChar(u'0')); };
    for (int w = 0; w < Writers; ++w) {
        writers.emplace_back(QThread::create([&directory, sessionId, w] {
            for (int i = 0; i < SessionsPerWriter; ++i) {
                directory.add(
                    sessionInfo(sessionId(w, i), u"w%1_u%2"_s.arg(w).arg(i % UsersPerWriter)));
                if (i % 2 == 1)
                    directory.remove(sessionId(w, i % 4 == 1 ? i - 1 : i));
            }
        }));
    }
    for (int r = 0; r < Readers; ++r) {
        readers.emplace_back(QThread::create([&] {
            // At least some rounds, even if the writers are done before this thread runs.
            for (int round = 0; writing.load() || round < 50; ++round) {
                const QStringList users = directory.users();
                const SessionDirectory::Reach reach = directory.reach(users);
                if (reach.usersOnline > users.size())
                    readerFailures.fetch_add(1);
                const QList<SessionInfo> page = directory.page(0, 50);
                for (qsizetype i = 0; i < page.size(); ++i) {
                    if (page[i].user.isEmpty() || (i > 0 && page[i - 1].id >= page[i].id))
                        readerFailures.fetch_add(1);
                }
                for (const SessionInfo &info : directory.sessionsOf(u"w0_u0"_s)) {
                    if (info.user != u"w0_u0"_s)
                        readerFailures.fetch_add(1);
                }
                if (directory.sessionCount() < 0 || directory.userCount() < 0)
                    readerFailures.fetch_add(1);
                reads.fetch_add(1);
            }
        }));
    }
    // Whatever fails below, no thread outlives the directory.
    const auto joinAll = qScopeGuard([&] {
        writing.store(false);
        for (auto &thread : writers)
            thread->wait();
        for (auto &thread : readers)
            thread->wait();
    });
    for (auto &thread : readers)
        thread->start();
    for (auto &thread : writers)
        thread->start();
    for (auto &thread : writers)
        QVERIFY(thread->wait(QDeadlineTimer(120000)));
    writing.store(false);
    for (auto &thread : readers)
        QVERIFY(thread->wait(QDeadlineTimer(120000)));

    QCOMPARE(readerFailures.load(), 0);
    QVERIFY(reads.load() >= Readers * 50);
    QCOMPARE(directory.sessionCount(), Writers * SessionsPerWriter / 2);
    QCOMPARE(directory.userCount(), Writers * UsersPerWriter / 2);
    QStringList everyUser;
    for (int w = 0; w < Writers; ++w) {
        for (int u = 0; u < UsersPerWriter; ++u)
            everyUser.append(u"w%1_u%2"_s.arg(w).arg(u));
    }
    const SessionDirectory::Reach reach = directory.reach(everyUser);
    QCOMPARE(reach.usersOnline, Writers * UsersPerWriter / 2);
    QCOMPARE(reach.sessions, Writers * SessionsPerWriter / 2);
    QCOMPARE(directory.sessionsOf(u"w3_u5"_s).size(), SessionsPerWriter / UsersPerWriter);
    QVERIFY(directory.sessionsOf(u"w3_u4"_s).isEmpty());
    QVERIFY(directory.session(sessionId(2, 1001)));
    QVERIFY(!directory.session(sessionId(2, 1000)));
    QVERIFY(!directory.session(sessionId(2, 1003)));
    QCOMPARE(directory.page(0, Writers * SessionsPerWriter).size(),
             Writers * SessionsPerWriter / 2);
}

QTEST_GUILESS_MAIN(TestSessionDirectory)
#include "tst_sessiondirectory.moc"
