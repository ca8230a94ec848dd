#pragma once

#include "epollset.h"
#include "notifiertable.h"
#include "timerqueue.h"
#include "wakeupfd.h"

#include <QAbstractEventDispatcher>

#include <atomic>

namespace Herald {

// A QAbstractEventDispatcher for Linux on level-triggered epoll. Qt's Unix dispatcher
// hands every socket of the thread to ppoll() on every wake-up; this one keeps them
// registered with the kernel, so a wake-up costs time in proportion to the ready
// sockets only. Install it before the thread's event loop exists:
// QCoreApplication::setEventDispatcher() before the application object, or
// QThread::setEventDispatcher() before start().
//
// It keeps the contract of Qt's Unix dispatcher: processEvents() sends posted events,
// waits (WaitForMoreEvents) unless interrupted, then activates ready socket notifiers
// and due timers, and returns whether anything was processed. wakeUp() and interrupt()
// may be called from any thread; everything else from the dispatcher's own thread.
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    bool interrupted() const { return m_interrupted.load(std::memory_order_acquire); }
    bool inOwnThread(const QObject *object, const char *operation) const;
    qint64 timeoutNs(bool notifiers, bool timers) const;
    int wait(qint64 timeoutNs, bool notifiers);
    int waitForWakeUp(qint64 timeoutNs);

    WakeUpFd m_wakeUp;
    EpollSet m_epoll;
    NotifierTable m_notifiers;
    TimerQueue m_timers;
    std::atomic<bool> m_interrupted{false};
    bool m_wokenFromInside = false; // wakeUp() from this thread, within processEvents()
};

} // namespace Herald
