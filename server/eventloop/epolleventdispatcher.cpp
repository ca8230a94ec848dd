#include "epolleventdispatcher.h"

#include "eventlooplogging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <poll.h>

#include <utility>

namespace Herald {
namespace {

// The dispatcher whose processEvents() this thread is running, if any.
thread_local const EpollEventDispatcher *t_running = nullptr;

// Sets t_running for the length of a processEvents() call, nested ones included.
class RunningScope
{
public:
    explicit RunningScope(const EpollEventDispatcher *dispatcher)
        : m_outer(std::exchange(t_running, dispatcher))
    { }
    ~RunningScope() { t_running = m_outer; }

private:
    const EpollEventDispatcher *m_outer;
};

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent), m_epoll(m_wakeUp.fd()), m_notifiers(m_epoll)
{ }

EpollEventDispatcher::~EpollEventDispatcher() = default;

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    const RunningScope running(this);
    m_interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool notifiers = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    const bool timers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const bool canWait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !interrupted();
    if (canWait)
        Q_EMIT aboutToBlock();
    if (interrupted())
        return false;

    if (notifiers)
        m_notifiers.applyChanges(); // first: it may find descriptors that need a round
    int processed = wait(canWait ? timeoutNs(notifiers, timers) : 0, notifiers);
    if (notifiers)
        processed += m_notifiers.activate();
    if (timers)
        processed += m_timers.fireDue();
    return processed > 0;
}

qint64 EpollEventDispatcher::timeoutNs(bool notifiers, bool timers) const
{
    if (notifiers && m_notifiers.needsRound())
        return 0;
    return timers ? m_timers.waitNs() : -1;
}

// Returns 1 when woken up through wakeUp(), as Qt's dispatcher counts its thread pipe.
int EpollEventDispatcher::wait(qint64 timeoutNs, bool notifiers)
{
    int woken = 0;
    if (std::exchange(m_wokenFromInside, false)) {
        timeoutNs = 0;
        woken = 1;
    }
    if (!notifiers)
        return qMax(woken, waitForWakeUp(timeoutNs));
    for (const epoll_event &event : m_epoll.wait(timeoutNs)) {
        if (event.data.fd == m_wakeUp.fd()) {
            m_wakeUp.consume();
            woken = 1;
        } else {
            m_notifiers.markReady(event.data.fd, event.events);
        }
    }
    m_notifiers.markOthers();
    return woken;
}

// With ExcludeSocketNotifiers, ready sockets must neither be activated nor end the wait:
// level triggering would report them again at once. So only the wake-up descriptor is
// watched.
int EpollEventDispatcher::waitForWakeUp(qint64 timeoutNs)
{
    pollfd wakeUp{m_wakeUp.fd(), POLLIN, 0};
    const timespec timeout{time_t(timeoutNs / 1000000000), long(timeoutNs % 1000000000)};
    if (::ppoll(&wakeUp, 1, timeoutNs < 0 ? nullptr : &timeout, nullptr) <= 0)
        return 0;
    m_wakeUp.consume();
    return 1;
}

bool EpollEventDispatcher::inOwnThread(const QObject *object, const char *operation) const
{
    const QThread *current = QThread::currentThread();
    if (thread() == current && (!object || object->thread() == current))
        return true;
    qCWarning(lcEventLoop, "EpollEventDispatcher: cannot %s from another thread", operation);
    return false;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    if (notifier && inOwnThread(notifier, "enable a socket notifier"))
        m_notifiers.add(notifier);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    if (notifier && inOwnThread(notifier, "disable a socket notifier"))
        m_notifiers.remove(notifier);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qCWarning(lcEventLoop, "EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (inOwnThread(object, "start a timer"))
        m_timers.add(timerId, interval, timerType, object);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    return inOwnThread(nullptr, "stop a timer") && m_timers.remove(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    return object && inOwnThread(object, "stop timers") && m_timers.removeAll(object);
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    return object ? m_timers.timersOf(object) : QList<TimerInfo>();
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    return m_timers.remainingMs(timerId);
}

// Posting an event from a handler is common (queued calls to an object of the same
// thread). That thread cannot be blocked in epoll_wait(): it is running this code. So a
// flag does, and spares the eventfd write and the read that would consume it.
void EpollEventDispatcher::wakeUp()
{
    if (t_running == this)
        m_wokenFromInside = true;
    else
        m_wakeUp.wakeUp();
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_release);
    wakeUp();
}

} // namespace Herald
