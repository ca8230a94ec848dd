#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Herald;

namespace {

// Upper bounds only, generous enough for a slow, busy machine.
constexpr int LongWaitMs = 20000;
// A loop that blocks as it should needs a handful of rounds; a spinning one, thousands.
constexpr int FewRounds = 50;

// Both ends of a Unix stream socket pair, non-blocking, closed on destruction.
struct SocketPair
{
    int fds[2] = {-1, -1};

    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds); }
    ~SocketPair()
    {
        for (const int fd : fds) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    int local() const { return fds[0]; }
    int peer() const { return fds[1]; }
    void send(const char *bytes = "x") const
    {
        QVERIFY(::send(peer(), bytes, strlen(bytes), MSG_NOSIGNAL) > 0);
    }
    // Everything waiting on the local end.
    QByteArray drain() const
    {
        QByteArray all;
        char buffer[256];
        ssize_t n;
        while ((n = ::read(local(), buffer, sizeof(buffer))) > 0)
            all.append(buffer, n);
        return all;
    }
    void closeLocal() { ::close(std::exchange(fds[0], -1)); }
};

// Counts timer events and runs a hook in each.
class TimerTarget : public QObject
{
public:
    std::function<void(int)> onTimer;
    QList<int> fired; // timer ids, in order

protected:
    void timerEvent(QTimerEvent *event) override
    {
        fired.append(event->timerId());
        if (onTimer)
            onTimer(event->timerId());
    }
};

// Records the custom events it receives.
class EventTarget : public QObject
{
public:
    static inline const QEvent::Type NumberedType = QEvent::Type(QEvent::registerEventType());
    QList<int> received;
    std::function<void()> onEvent;

    static void post(QObject *to, int value)
    {
        QCoreApplication::postEvent(to, new Numbered(value));
    }

protected:
    struct Numbered : QEvent
    {
        explicit Numbered(int v) : QEvent(NumberedType), value(v) { }
        int value;
    };
    bool event(QEvent *event) override
    {
        if (event->type() != NumberedType)
            return QObject::event(event);
        received.append(static_cast<Numbered *>(event)->value);
        if (onEvent)
            onEvent();
        return true;
    }
};

EpollEventDispatcher *dispatcher()
{
    return qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance());
}

// Rounds of processEvents() in the main thread, counted through awake().
class RoundCounter
{
public:
    RoundCounter() : m_spy(dispatcher(), &QAbstractEventDispatcher::awake) { }
    int rounds() const { return int(m_spy.count()); }

private:
    QSignalSpy m_spy;
};

// Runs blocking rounds (WaitForMoreEvents) for about ms milliseconds; returns how many.
// QTest::qWait() would not do: it polls and sleeps, so it cannot tell blocking from
// spinning.
int blockingRoundsFor(int ms)
{
    bool done = false;
    QTimer::singleShot(ms, Qt::PreciseTimer, [&] { done = true; });
    int rounds = 0;
    while (!done) {
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
        ++rounds;
    }
    return rounds;
}

// Fails the test instead of hanging when a blocking call never returns.
class Watchdog
{
public:
    Watchdog()
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { m_fired = true; });
        m_timer.start(LongWaitMs);
    }
    bool fired() const { return m_fired; }

private:
    QTimer m_timer;
    bool m_fired = false;
};

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    // Socket notifiers
    void readNotifier();
    void writeNotifier();
    void writeNotifierWaitsForRoom();
    void writeNotifierLeftEnabled();
    void readAndWriteShareOneDescriptor();
    void levelTriggered();
    void enabledAndDisabledInOneRound();
    void disabledInOwnActivation();
    void reenabledInOwnActivation();
    void enabledInOwnActivationAfterDisable();
    void deletedInOwnActivation();
    void deletedInAnotherActivation_data();
    void deletedInAnotherActivation();
    void disabledInAnotherActivation_data();
    void disabledInAnotherActivation();
    void nestedLoopActivatesPendingNotifiersOnce();
    void closedDescriptorWhileRegistered();
    void enabledOnClosedDescriptorIsDisabled();
    void strayRegistrationDoesNotSpin();
    void regularFileIsAlwaysReady();

    // Timers
    void timerTypes_data();
    void timerTypes();
    void preciseTimersFireInOrder();
    void zeroTimerFiresOncePerRound();
    void timerStartedInCallbackWaitsForNextRound();
    void timerKilledInCallbackByAnother();
    void timerRestartedInOwnCallback();
    void nestedLoopInTimerDoesNotRefireOrSpin();
    void registeredTimersAndRemainingTime();
    void timersFollowMoveToThread();

    // Posted events, wake-ups, loops
    void postedEventsInOrder();
    void postedFromHandlerDoesNotBlock();
    void deleteLaterInLoop();
    void wakeUpFromAnotherThread();
    void postFromAnotherThread();
    void workerThreadWithEpollDispatcher();
    void eventLoopExecExit();
    void exitFromAnotherThread();
    void nestedLoops();
    void interruptBeforeBlocking();
    void interruptFromAnotherThread();
    void excludeSocketNotifiers();
    void excludeSocketNotifiersStillBlocks();
    void excludeTimers();
    void waitForMoreEventsBlocksUntilTimer();
    void noWaitReturnsAtOnce();
    void aboutToBlockAndAwake();
};

void TestEpollDispatcher::initTestCase()
{
    QVERIFY2(dispatcher(), "the main thread must run EpollEventDispatcher");
}

// Qt warns, and carries on, when an event goes to a null receiver; here that is a bug.
// Warnings a test expects are declared with ignoreMessage(), which takes precedence.
void TestEpollDispatcher::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
}

namespace {

// Rows for the activation-safety tests: with an Exception notifier, which never fires on
// a socket, the descriptor keeps its registration when the tested notifier goes.
void addKeepDescriptorRows()
{
    QTest::addColumn<bool>("keepDescriptor");
    QTest::newRow("only notifier of its descriptor") << false;
    QTest::newRow("descriptor keeps another notifier") << true;
}

std::unique_ptr<QSocketNotifier> exceptionNotifier(bool wanted, const SocketPair &pair)
{
    return wanted ? std::make_unique<QSocketNotifier>(pair.local(), QSocketNotifier::Exception)
                  : nullptr;
}

} // namespace

void TestEpollDispatcher::readNotifier()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    QByteArray got;
    connect(&notifier, &QSocketNotifier::activated, [&] { got += pair.drain(); });
    pair.send("hello");
    QTRY_COMPARE_WITH_TIMEOUT(got, QByteArray("hello"), LongWaitMs);
}

void TestEpollDispatcher::writeNotifier()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Write);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        notifier.setEnabled(false);
    });
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, LongWaitMs);
}

// A socket whose send buffer is full: the write notifier fires only once the peer has
// read, through epoll (a freshly enabled write notifier is first probed with poll()).
void TestEpollDispatcher::writeNotifierWaitsForRoom()
{
    SocketPair pair;
    const QByteArray chunk(65536, 'x');
    while (::send(pair.local(), chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL) > 0) { }
    QCOMPARE(errno, EAGAIN);
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Write);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        notifier.setEnabled(false);
    });
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 0);

    char sink[65536];
    while (::read(pair.peer(), sink, sizeof(sink)) > 0) { }
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, LongWaitMs);
    notifier.setEnabled(true); // room now: straight from the probe
    QTRY_COMPARE_WITH_TIMEOUT(activations, 2, LongWaitMs);
}

// Level-triggered like the rest: a write notifier nobody disables fires every round.
void TestEpollDispatcher::writeNotifierLeftEnabled()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Write);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] { ++activations; });
    for (int round = 1; round <= 3; ++round) {
        QCoreApplication::processEvents();
        QCOMPARE(activations, round);
    }
}

// One epoll registration with a combined mask: dropping one type keeps the other.
void TestEpollDispatcher::readAndWriteShareOneDescriptor()
{
    SocketPair pair;
    QSocketNotifier reader(pair.local(), QSocketNotifier::Read);
    QSocketNotifier writer(pair.local(), QSocketNotifier::Write);
    int reads = 0, writes = 0;
    connect(&reader, &QSocketNotifier::activated, [&] {
        ++reads;
        pair.drain();
    });
    connect(&writer, &QSocketNotifier::activated, [&] {
        ++writes;
        writer.setEnabled(false);
    });
    pair.send();
    QTRY_VERIFY_WITH_TIMEOUT(reads == 1 && writes == 1, LongWaitMs);

    pair.send();
    QTRY_COMPARE_WITH_TIMEOUT(reads, 2, LongWaitMs);
    QCOMPARE(writes, 1);

    writer.setEnabled(true);
    QTRY_COMPARE_WITH_TIMEOUT(writes, 2, LongWaitMs);
    reader.setEnabled(false);
    pair.send();
    QCoreApplication::processEvents();
    QCOMPARE(reads, 2);
}

void TestEpollDispatcher::levelTriggered()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] { ++activations; }); // never reads
    pair.send();
    QTRY_VERIFY_WITH_TIMEOUT(activations >= 3, LongWaitMs);
}

// Mask changes wait for the next wait; one that is undone before it never happens.
void TestEpollDispatcher::enabledAndDisabledInOneRound()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    notifier.setEnabled(false);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        pair.drain();
    });
    pair.send();
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 0);
    notifier.setEnabled(true);
    notifier.setEnabled(false);
    notifier.setEnabled(true);
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, LongWaitMs);
}

void TestEpollDispatcher::disabledInOwnActivation()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        notifier.setEnabled(false); // the data stays unread
    });
    pair.send();
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, LongWaitMs);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 1);
}

// Disabling and enabling again in the slot keeps the notifier registered.
void TestEpollDispatcher::reenabledInOwnActivation()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        notifier.setEnabled(false);
        notifier.setEnabled(true);
        if (activations == 3)
            pair.drain();
    });
    pair.send();
    QTRY_COMPARE_WITH_TIMEOUT(activations, 3, LongWaitMs);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 3);
}

// A write notifier that re-arms a read notifier on the same descriptor from inside its
// own activation: the new mask is in place for the next round.
void TestEpollDispatcher::enabledInOwnActivationAfterDisable()
{
    SocketPair pair;
    QSocketNotifier reader(pair.local(), QSocketNotifier::Read);
    QSocketNotifier writer(pair.local(), QSocketNotifier::Write);
    reader.setEnabled(false);
    int reads = 0;
    connect(&writer, &QSocketNotifier::activated, [&] {
        writer.setEnabled(false);
        reader.setEnabled(true);
    });
    connect(&reader, &QSocketNotifier::activated, [&] {
        ++reads;
        pair.drain();
    });
    pair.send();
    QTRY_COMPARE_WITH_TIMEOUT(reads, 1, LongWaitMs);
    QVERIFY(!writer.isEnabled());
}

void TestEpollDispatcher::deletedInOwnActivation()
{
    SocketPair pair;
    auto *notifier = new QSocketNotifier(pair.local(), QSocketNotifier::Read);
    auto *writer = new QSocketNotifier(pair.local(), QSocketNotifier::Write);
    QPointer<QSocketNotifier> guard(notifier);
    QPointer<QSocketNotifier> writerGuard(writer);
    int activations = 0;
    connect(notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        delete notifier;
    });
    connect(writer, &QSocketNotifier::activated, writer, &QObject::deleteLater);
    pair.send();
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull() && writerGuard.isNull(), LongWaitMs);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 1);
}

// Both descriptors are ready in the same round; whichever comes first deletes the other,
// which must then not be activated (ASan would also catch the use after free).
void TestEpollDispatcher::deletedInAnotherActivation_data()
{
    addKeepDescriptorRows();
}

void TestEpollDispatcher::deletedInAnotherActivation()
{
    QFETCH(bool, keepDescriptor);
    SocketPair first, second;
    const auto keepFirst = exceptionNotifier(keepDescriptor, first);
    const auto keepSecond = exceptionNotifier(keepDescriptor, second);
    auto *a = new QSocketNotifier(first.local(), QSocketNotifier::Read);
    auto *b = new QSocketNotifier(second.local(), QSocketNotifier::Read);
    QPointer<QSocketNotifier> guardA(a), guardB(b);
    int activations = 0;
    auto deleteOther = [&](QPointer<QSocketNotifier> &other) {
        ++activations;
        delete other.data();
        first.drain(); // nothing is left to make either ready again
        second.drain();
    };
    connect(a, &QSocketNotifier::activated, [&] { deleteOther(guardB); });
    connect(b, &QSocketNotifier::activated, [&] { deleteOther(guardA); });
    first.send();
    second.send();
    QTRY_VERIFY_WITH_TIMEOUT(activations > 0, LongWaitMs);
    QCOMPARE(activations, 1);
    QVERIFY(guardA.isNull() != guardB.isNull());
    delete guardA.data();
    delete guardB.data();
}

void TestEpollDispatcher::disabledInAnotherActivation_data()
{
    addKeepDescriptorRows();
}

void TestEpollDispatcher::disabledInAnotherActivation()
{
    QFETCH(bool, keepDescriptor);
    SocketPair first, second;
    const auto keepFirst = exceptionNotifier(keepDescriptor, first);
    const auto keepSecond = exceptionNotifier(keepDescriptor, second);
    QSocketNotifier a(first.local(), QSocketNotifier::Read);
    QSocketNotifier b(second.local(), QSocketNotifier::Read);
    int activationsA = 0, activationsB = 0;
    connect(&a, &QSocketNotifier::activated, [&] {
        ++activationsA;
        b.setEnabled(false);
        first.drain();
    });
    connect(&b, &QSocketNotifier::activated, [&] {
        ++activationsB;
        a.setEnabled(false);
        second.drain();
    });
    first.send();
    second.send();
    QTRY_VERIFY_WITH_TIMEOUT(activationsA + activationsB > 0, LongWaitMs);
    QCOMPARE(activationsA + activationsB, 1);

    // The disabled one still works once enabled again: its data is still there.
    QSocketNotifier &disabled = a.isEnabled() ? b : a;
    disconnect(&a, nullptr, nullptr, nullptr);
    disconnect(&b, nullptr, nullptr, nullptr);
    int later = 0;
    connect(&disabled, &QSocketNotifier::activated, [&] {
        ++later;
        disabled.setEnabled(false);
    });
    disabled.setEnabled(true);
    QTRY_COMPARE_WITH_TIMEOUT(later, 1, LongWaitMs);
}

// A notifier whose slot runs a nested event loop: the nested loop activates what the
// outer round had queued, and the outer round does not activate it a second time.
void TestEpollDispatcher::nestedLoopActivatesPendingNotifiersOnce()
{
    SocketPair first, second;
    QSocketNotifier a(first.local(), QSocketNotifier::Read);
    QSocketNotifier b(second.local(), QSocketNotifier::Read);
    int activationsA = 0, activationsB = 0;
    QEventLoop nested;
    auto nestedUntilOther = [&](SocketPair &own, int &count, int &other) {
        ++count;
        own.drain();
        if (other == 0)
            nested.exec(); // the other one's slot exits it
        else
            nested.exit();
    };
    connect(&a, &QSocketNotifier::activated,
            [&] { nestedUntilOther(first, activationsA, activationsB); });
    connect(&b, &QSocketNotifier::activated,
            [&] { nestedUntilOther(second, activationsB, activationsA); });
    first.send();
    second.send();
    Watchdog watchdog;
    QTRY_VERIFY_WITH_TIMEOUT(activationsA == 1 && activationsB == 1, LongWaitMs);
    QVERIFY(!watchdog.fired());
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activationsA, 1);
    QCOMPARE(activationsB, 1);
}

// Closing a descriptor while its notifier is enabled: the kernel drops the registration
// with the file. Nothing spins, and when the number is reused for a new socket, a
// notifier on it is registered afresh although the stale one still holds the slot.
void TestEpollDispatcher::closedDescriptorWhileRegistered()
{
    SocketPair pair;
    auto stale = std::make_unique<QSocketNotifier>(pair.local(), QSocketNotifier::Read);
    QCoreApplication::processEvents(); // registers it with epoll
    const int number = pair.local();
    pair.closeLocal();
    const int rounds = blockingRoundsFor(30);
    QVERIFY2(rounds < FewRounds, qPrintable(QString::number(rounds)));

    SocketPair reused; // moved to the stale number, unless it got that number anyway
    if (reused.local() != number) {
        QCOMPARE(::dup2(reused.local(), number), number);
        ::close(std::exchange(reused.fds[0], number));
    }
    QTest::ignoreMessage(QtWarningMsg,
                         qPrintable(QStringLiteral("Several socket notifiers for descriptor %1 "
                                                   "and type Read")
                                        .arg(number)));
    QSocketNotifier fresh(number, QSocketNotifier::Read);
    int activations = 0;
    connect(&fresh, &QSocketNotifier::activated, [&] {
        ++activations;
        reused.drain();
    });
    reused.send();
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, LongWaitMs);
    stale.reset(); // no longer registered: the fresh notifier replaced it
    reused.send();
    QTRY_COMPARE_WITH_TIMEOUT(activations, 2, LongWaitMs);
}

// As Qt's dispatcher does with POLLNVAL: a notifier on a closed descriptor is disabled
// with a warning, and never activated.
void TestEpollDispatcher::enabledOnClosedDescriptorIsDisabled()
{
    int fds[2];
    QCOMPARE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    ::close(fds[1]);
    ::close(fds[0]);
    QSocketNotifier notifier(fds[0], QSocketNotifier::Read, nullptr);
    notifier.setEnabled(false);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] { ++activations; });
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("invalid socket %1").arg(fds[0])));
    notifier.setEnabled(true);
    QTRY_VERIFY_WITH_TIMEOUT(!notifier.isEnabled(), LongWaitMs);
    QCOMPARE(activations, 0);
}

// The descriptor is closed while a duplicate keeps its file open, so epoll keeps the
// registration and reports it under a number that has no notifier any more. The
// dispatcher must drop it instead of waking up for it forever.
void TestEpollDispatcher::strayRegistrationDoesNotSpin()
{
    SocketPair pair;
    auto notifier = std::make_unique<QSocketNotifier>(pair.local(), QSocketNotifier::Read);
    QCoreApplication::processEvents(); // registers it with epoll
    const int duplicate = ::dup(pair.local());
    QVERIFY(duplicate >= 0);
    pair.closeLocal();
    notifier.reset(); // DEL fails: the number no longer names the file
    pair.send(); // the file is readable, and stays so: nobody reads it

    QLoggingCategory::setFilterRules(QStringLiteral("herald.eventloop.debug=true"));
    QTest::ignoreMessage(QtDebugMsg, QRegularExpression(QStringLiteral("^rebuilding the epoll")));
    const int rounds = blockingRoundsFor(100);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY2(rounds < FewRounds, qPrintable(QString::number(rounds)));
    ::close(duplicate);
}

// epoll refuses regular files (EPERM); poll() calls them always ready, and so does the
// dispatcher.
void TestEpollDispatcher::regularFileIsAlwaysReady()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    QSocketNotifier notifier(file.handle(), QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        if (++activations == 2)
            notifier.setEnabled(false);
    });
    QTRY_COMPARE_WITH_TIMEOUT(activations, 2, LongWaitMs);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(activations, 2);
}

void TestEpollDispatcher::timerTypes_data()
{
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<int>("intervalMs");
    QTest::addColumn<int>("earliestMs"); // how early the type may fire, at most

    QTest::newRow("precise 1 ms") << Qt::PreciseTimer << 1 << 1;
    QTest::newRow("precise 15 ms") << Qt::PreciseTimer << 15 << 15;
    QTest::newRow("coarse 15 ms (precise)") << Qt::CoarseTimer << 15 << 15;
    QTest::newRow("coarse 40 ms") << Qt::CoarseTimer << 40 << 38;
    QTest::newRow("coarse 300 ms") << Qt::CoarseTimer << 300 << 285;
    QTest::newRow("very coarse 1 s") << Qt::VeryCoarseTimer << 1000 << 500;
    QTest::newRow("very coarse 10 ms (1 s)") << Qt::VeryCoarseTimer << 10 << 500;
    QTest::newRow("zero precise") << Qt::PreciseTimer << 0 << 0;
    QTest::newRow("zero coarse") << Qt::CoarseTimer << 0 << 0;
    QTest::newRow("zero very coarse") << Qt::VeryCoarseTimer << 0 << 0;
}

void TestEpollDispatcher::timerTypes()
{
    QFETCH(Qt::TimerType, type);
    QFETCH(int, intervalMs);
    QFETCH(int, earliestMs);
    QTimer timer;
    timer.setTimerType(type);
    timer.setSingleShot(true);
    qint64 elapsedMs = -1;
    QElapsedTimer clock;
    connect(&timer, &QTimer::timeout, [&] { elapsedMs = clock.elapsed(); });
    clock.start();
    timer.start(intervalMs);
    QTRY_VERIFY_WITH_TIMEOUT(elapsedMs >= 0, LongWaitMs);
    QVERIFY2(elapsedMs >= earliestMs, qPrintable(QString::number(elapsedMs)));
}

void TestEpollDispatcher::preciseTimersFireInOrder()
{
    TimerTarget target;
    const QList<int> ids{target.startTimer(1, Qt::PreciseTimer),
                         target.startTimer(4, Qt::PreciseTimer),
                         target.startTimer(9, Qt::PreciseTimer)};
    target.onTimer = [&](int id) { target.killTimer(id); };
    QTRY_COMPARE_WITH_TIMEOUT(target.fired.size(), 3, LongWaitMs);
    QCOMPARE(target.fired, ids);
}

void TestEpollDispatcher::zeroTimerFiresOncePerRound()
{
    TimerTarget target;
    const int id = target.startTimer(0);
    for (int round = 1; round <= 3; ++round) {
        QCoreApplication::processEvents();
        QCOMPARE(target.fired.size(), round);
    }
    target.killTimer(id);
    QCoreApplication::processEvents();
    QCOMPARE(target.fired.size(), 3);
}

void TestEpollDispatcher::timerStartedInCallbackWaitsForNextRound()
{
    TimerTarget target;
    int started = 0;
    const int first = target.startTimer(0);
    target.onTimer = [&](int id) {
        target.killTimer(id);
        if (id == first)
            started = target.startTimer(0);
    };
    QCoreApplication::processEvents();
    QCOMPARE(target.fired, QList<int>{first});
    QCoreApplication::processEvents();
    QCOMPARE(target.fired, (QList<int>{first, started}));
}

void TestEpollDispatcher::timerKilledInCallbackByAnother()
{
    TimerTarget target;
    const int first = target.startTimer(0);
    const int second = target.startTimer(0);
    target.onTimer = [&](int id) {
        target.killTimer(id == first ? second : first);
        target.killTimer(id);
    };
    QCoreApplication::processEvents();
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(target.fired, QList<int>{first});
}

// QTimer::start() on a running timer, from its own timeout: the restarted timer waits for
// its new interval.
void TestEpollDispatcher::timerRestartedInOwnCallback()
{
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    int timeouts = 0;
    connect(&timer, &QTimer::timeout, [&] {
        if (++timeouts < 3)
            timer.start(timeouts == 1 ? 0 : 5);
        else
            timer.stop();
    });
    timer.start(1);
    QTRY_COMPARE_WITH_TIMEOUT(timeouts, 3, LongWaitMs);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(timeouts, 3);
    QVERIFY(!timer.isActive());
}

// A zero timer whose handler runs a nested loop: the nested loop must neither fire it
// again nor spin because it is due.
void TestEpollDispatcher::nestedLoopInTimerDoesNotRefireOrSpin()
{
    TimerTarget target;
    int roundsInside = -1;
    const int id = target.startTimer(0);
    target.onTimer = [&](int) {
        RoundCounter counter;
        QEventLoop nested;
        QTimer::singleShot(30, &nested, &QEventLoop::quit);
        nested.exec();
        roundsInside = counter.rounds();
        target.killTimer(id);
    };
    QTRY_VERIFY_WITH_TIMEOUT(roundsInside >= 0, LongWaitMs);
    QCOMPARE(target.fired, QList<int>{id});
    QVERIFY2(roundsInside < FewRounds, qPrintable(QString::number(roundsInside)));
}

void TestEpollDispatcher::registeredTimersAndRemainingTime()
{
    QObject object;
    const int precise = object.startTimer(60000, Qt::PreciseTimer);
    const int veryCoarse = object.startTimer(120000, Qt::VeryCoarseTimer);
    QList<QAbstractEventDispatcher::TimerInfo> timers = dispatcher()->registeredTimers(&object);
    QCOMPARE(timers.size(), 2);
    if (timers[0].timerId != precise)
        std::swap(timers[0], timers[1]);
    QCOMPARE(timers[0].timerId, precise);
    QCOMPARE(timers[0].interval, 60000);
    QCOMPARE(timers[0].timerType, Qt::PreciseTimer);
    QCOMPARE(timers[1].timerId, veryCoarse);
    QCOMPARE(timers[1].interval, 120000);
    QCOMPARE(timers[1].timerType, Qt::VeryCoarseTimer);

    const int remaining = dispatcher()->remainingTime(precise);
    QVERIFY2(remaining > 0 && remaining <= 60000, qPrintable(QString::number(remaining)));
    QCOMPARE(dispatcher()->remainingTime(123456), -1);

    object.killTimer(precise);
    QCOMPARE(dispatcher()->registeredTimers(&object).size(), 1);
    QCOMPARE(dispatcher()->remainingTime(precise), -1);
    QVERIFY(dispatcher()->unregisterTimers(&object));
    QVERIFY(dispatcher()->registeredTimers(&object).isEmpty());
    QCOMPARE(dispatcher()->remainingTime(veryCoarse), -1);
    QVERIFY(!dispatcher()->unregisterTimers(&object));
}

// moveToThread() takes the timers along: registeredTimers(), unregisterTimers() here and
// registerTimer() with the same ids in the other thread's dispatcher.
void TestEpollDispatcher::timersFollowMoveToThread()
{
    QThread thread;
    thread.setEventDispatcher(new EpollEventDispatcher);
    thread.start();
    QTimer timer;
    timer.setInterval(1);
    std::atomic<QThread *> firedIn{nullptr};
    connect(
        &timer, &QTimer::timeout, &timer,
        [&] {
            firedIn = QThread::currentThread();
            timer.stop();
        },
        Qt::DirectConnection);
    timer.start();
    timer.moveToThread(&thread);
    QTRY_COMPARE_WITH_TIMEOUT(firedIn.load(), &thread, LongWaitMs);
    QMetaObject::invokeMethod(
        &timer, [&] { timer.moveToThread(qApp->thread()); }, Qt::BlockingQueuedConnection);
    thread.quit();
    QVERIFY(thread.wait(LongWaitMs));
}

void TestEpollDispatcher::postedEventsInOrder()
{
    EventTarget target;
    for (int i = 0; i < 5; ++i)
        EventTarget::post(&target, i);
    QCoreApplication::processEvents();
    QCOMPARE(target.received, (QList<int>{0, 1, 2, 3, 4}));

    target.onEvent = [&] { // each event posts the next one
        if (target.received.last() < 7)
            EventTarget::post(&target, target.received.last() + 1);
    };
    EventTarget::post(&target, 5);
    QTRY_COMPARE_WITH_TIMEOUT(target.received.size(), 8, LongWaitMs);
    QCOMPARE(target.received, (QList<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

// An event posted by a handler, in the dispatcher's own thread, must keep the next wait
// from blocking, although no eventfd write tells epoll about it.
void TestEpollDispatcher::postedFromHandlerDoesNotBlock()
{
    for (int i = 0; i < 10 && dispatcher()->processEvents(QEventLoop::AllEvents); ++i) { }
    EventTarget target;
    target.onEvent = [&] {
        if (target.received.last() < 3)
            EventTarget::post(&target, target.received.last() + 1);
        else
            dispatcher()->interrupt(); // the loop below ends: nothing else would wake it
    };
    TimerTarget timer; // posts the first one from inside a round
    const int id = timer.startTimer(1, Qt::PreciseTimer);
    timer.onTimer = [&](int) {
        timer.killTimer(id);
        EventTarget::post(&target, 1);
    };
    Watchdog watchdog;
    while (target.received.size() < 3 && !watchdog.fired())
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    QCOMPARE(target.received, (QList<int>{1, 2, 3}));
    QVERIFY(!watchdog.fired());
}

void TestEpollDispatcher::deleteLaterInLoop()
{
    QPointer<QObject> object(new QObject);
    object->deleteLater();
    QEventLoop loop;
    QTimer::singleShot(0, &loop, &QEventLoop::quit);
    loop.exec();
    QVERIFY(object.isNull());
}

// The main thread blocks with nothing to wait for but the wake-up.
void TestEpollDispatcher::wakeUpFromAnotherThread()
{
    EpollEventDispatcher *mainDispatcher = dispatcher();
    std::atomic<bool> blocking{false};
    auto connection = connect(mainDispatcher, &QAbstractEventDispatcher::aboutToBlock,
                              [&] { blocking = true; });
    std::thread waker([&] {
        while (!blocking)
            std::this_thread::yield();
        mainDispatcher->wakeUp();
    });
    Watchdog watchdog;
    QVERIFY(dispatcher()->processEvents(QEventLoop::WaitForMoreEvents));
    waker.join();
    disconnect(connection);
    QVERIFY(!watchdog.fired());
}

void TestEpollDispatcher::postFromAnotherThread()
{
    EventTarget target;
    QEventLoop loop;
    target.onEvent = [&] { loop.quit(); };
    std::thread poster([&] { EventTarget::post(&target, 42); });
    Watchdog watchdog;
    loop.exec();
    poster.join();
    QVERIFY(!watchdog.fired());
    QCOMPARE(target.received, QList<int>{42});
}

// A worker thread on the dispatcher, as herald-server runs them: queued calls both ways.
void TestEpollDispatcher::workerThreadWithEpollDispatcher()
{
    QThread thread;
    auto *threadDispatcher = new EpollEventDispatcher;
    thread.setEventDispatcher(threadDispatcher);
    thread.start();
    QObject worker;
    worker.moveToThread(&thread);
    int replies = 0;
    for (int i = 0; i < 100; ++i) {
        QMetaObject::invokeMethod(&worker, [&] {
            const bool ours = QAbstractEventDispatcher::instance() == threadDispatcher;
            QMetaObject::invokeMethod(qApp, [&, ours] { replies += ours ? 1 : 1000; });
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(replies, 100, LongWaitMs);
    thread.quit();
    QVERIFY(thread.wait(LongWaitMs));
}

void TestEpollDispatcher::eventLoopExecExit()
{
    QEventLoop loop;
    QTimer::singleShot(5, &loop, [&] { loop.exit(7); });
    QCOMPARE(loop.exec(), 7);
    QVERIFY(!loop.isRunning());
}

void TestEpollDispatcher::exitFromAnotherThread()
{
    QEventLoop loop;
    std::atomic<bool> running{false};
    QTimer::singleShot(0, &loop, [&] { running = true; });
    std::thread exiter([&] {
        while (!running)
            std::this_thread::yield();
        loop.exit(3); // QEventLoop::exit is thread-safe: it interrupts the dispatcher
    });
    Watchdog watchdog;
    QCOMPARE(loop.exec(), 3);
    exiter.join();
    QVERIFY(!watchdog.fired());
}

void TestEpollDispatcher::nestedLoops()
{
    QStringList trace;
    QEventLoop outer;
    QTimer::singleShot(1, &outer, [&] {
        trace << QStringLiteral("inner starts");
        QEventLoop inner;
        QTimer::singleShot(1, &inner, [&] { inner.exit(2); });
        trace << QStringLiteral("inner returned %1").arg(inner.exec());
        QTimer::singleShot(1, &outer, [&] { outer.exit(1); });
    });
    const int result = outer.exec();
    trace << QStringLiteral("outer returned %1").arg(result);
    QCOMPARE(trace,
             (QStringList{QStringLiteral("inner starts"), QStringLiteral("inner returned 2"),
                          QStringLiteral("outer returned 1")}));
}

// An interrupt() during the posted events ends processEvents() before it blocks, with
// nothing else to wake it up.
void TestEpollDispatcher::interruptBeforeBlocking()
{
    EventTarget target;
    target.onEvent = [] { dispatcher()->interrupt(); };
    EventTarget::post(&target, 1);
    QSignalSpy aboutToBlock(dispatcher(), &QAbstractEventDispatcher::aboutToBlock);
    Watchdog watchdog;
    QVERIFY(!dispatcher()->processEvents(QEventLoop::WaitForMoreEvents));
    QVERIFY(!watchdog.fired());
    QCOMPARE(target.received, QList<int>{1});
    QCOMPARE(aboutToBlock.count(), 0);
}

void TestEpollDispatcher::interruptFromAnotherThread()
{
    EpollEventDispatcher *mainDispatcher = dispatcher();
    std::atomic<bool> blocking{false};
    auto connection = connect(mainDispatcher, &QAbstractEventDispatcher::aboutToBlock,
                              [&] { blocking = true; });
    std::thread interrupter([&] {
        while (!blocking)
            std::this_thread::yield();
        mainDispatcher->interrupt();
    });
    Watchdog watchdog;
    dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    interrupter.join();
    disconnect(connection);
    QVERIFY(!watchdog.fired());
}

void TestEpollDispatcher::excludeSocketNotifiers()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] {
        ++activations;
        pair.drain();
    });
    pair.send();
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents(QEventLoop::ExcludeSocketNotifiers);
    QCOMPARE(activations, 0);
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, LongWaitMs);
}

// Waiting while sockets are excluded: a readable socket must not end the wait over and
// over (level triggering); the timer does.
void TestEpollDispatcher::excludeSocketNotifiersStillBlocks()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.local(), QSocketNotifier::Read);
    int activations = 0;
    connect(&notifier, &QSocketNotifier::activated, [&] { ++activations; });
    pair.send();
    bool timedOut = false;
    QTimer::singleShot(30, [&] { timedOut = true; });
    int rounds = 0;
    while (!timedOut) { // set by the timer, inside processEvents
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents
                                    | QEventLoop::ExcludeSocketNotifiers);
        ++rounds;
    }
    QVERIFY2(rounds < FewRounds, qPrintable(QString::number(rounds)));
    QCOMPARE(activations, 0);
    pair.drain();
}

void TestEpollDispatcher::excludeTimers()
{
    TimerTarget target;
    const int id = target.startTimer(0);
    QCoreApplication::processEvents(QEventLoop::X11ExcludeTimers);
    QCOMPARE(target.fired.size(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(target.fired.size(), 1);
    target.killTimer(id);
}

void TestEpollDispatcher::waitForMoreEventsBlocksUntilTimer()
{
    TimerTarget target;
    const int id = target.startTimer(20, Qt::PreciseTimer);
    Watchdog watchdog;
    while (target.fired.isEmpty() && !watchdog.fired())
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    QCOMPARE(target.fired, QList<int>{id});
    target.killTimer(id);
}

void TestEpollDispatcher::noWaitReturnsAtOnce()
{
    TimerTarget target;
    const int id = target.startTimer(60000);
    for (int i = 0; i < 10 && dispatcher()->processEvents(QEventLoop::AllEvents); ++i) { }
    QElapsedTimer clock;
    clock.start();
    QVERIFY(!dispatcher()->processEvents(QEventLoop::AllEvents));
    QVERIFY(!dispatcher()->processEvents(QEventLoop::ExcludeUserInputEvents
                                         | QEventLoop::ExcludeSocketNotifiers));
    QVERIFY(clock.elapsed() < LongWaitMs);
    QVERIFY(target.fired.isEmpty());
    target.killTimer(id);
}

void TestEpollDispatcher::aboutToBlockAndAwake()
{
    QSignalSpy aboutToBlock(dispatcher(), &QAbstractEventDispatcher::aboutToBlock);
    QSignalSpy awake(dispatcher(), &QAbstractEventDispatcher::awake);
    dispatcher()->processEvents(QEventLoop::AllEvents);
    QCOMPARE(aboutToBlock.count(), 0);
    QCOMPARE(awake.count(), 1);

    TimerTarget target;
    const int id = target.startTimer(1, Qt::PreciseTimer);
    while (target.fired.isEmpty())
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    target.killTimer(id);
    QVERIFY(aboutToBlock.count() >= 1);
    QCOMPARE(awake.count(), aboutToBlock.count() + 1);
}

// The test runs on the dispatcher under test: QTest's own waiting loops use it too.
int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
