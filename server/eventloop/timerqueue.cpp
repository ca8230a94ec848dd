#include "timerqueue.h"

#include <QCoreApplication>
#include <QVarLengthArray>

#include <ctime>

namespace Herald {
namespace {

constexpr qint64 MsNs = 1000000;
constexpr qint64 SecondNs = 1000000000;

qint64 nowNs()
{
    timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * SecondNs + now.tv_nsec;
}

qint64 roundTo(qint64 value, qint64 step)
{
    return (value + step / 2) / step * step;
}

// Rounding to the nearest multiple of a step moves a deadline by half a step at most, so
// a step of a tenth of the interval keeps a coarse timer within 5 %. Round steps make
// the timers of a thread fall on the same instants, so they share wake-ups.
qint64 coarseStepNs(qint64 intervalMs)
{
    static constexpr qint64 Steps[] = {1000, 500, 250, 100, 50, 25, 10, 5, 2};
    for (const qint64 step : Steps) {
        if (step * 10 <= intervalMs)
            return step * MsNs;
    }
    return MsNs;
}

qint64 wholeSeconds(qint64 intervalMs)
{
    return qMax<qint64>(1, (intervalMs + 500) / 1000);
}

} // namespace

TimerQueue::Kind TimerQueue::kindOf(qint64 intervalMs, Qt::TimerType type)
{
    if (intervalMs == 0)
        return Kind::Zero;
    switch (type) {
    case Qt::PreciseTimer:
        return Kind::Precise;
    case Qt::CoarseTimer:
        // Under 20 ms, 5 % is less than a millisecond; from 20 s, more than a second.
        if (intervalMs <= 20)
            return Kind::Precise;
        return intervalMs >= 20000 ? Kind::VeryCoarse : Kind::Coarse;
    case Qt::VeryCoarseTimer:
        break;
    }
    return Kind::VeryCoarse;
}

void TimerQueue::add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object)
{
    remove(id); // Qt never registers an id twice; if it did, the newer timer wins
    const Kind kind = kindOf(intervalMs, type);
    const auto it
        = m_timers.emplace(id, Timer{object, intervalMs, type, kind, 0, 0, m_nextSerial++}).first;
    m_byObject.emplace(object, id);
    const qint64 now = nowNs();
    if (kind == Kind::VeryCoarse)
        schedule(id, it->second, roundTo(now, SecondNs) + wholeSeconds(intervalMs) * SecondNs);
    else
        schedule(id, it->second, now + intervalMs * MsNs);
}

void TimerQueue::schedule(int id, Timer &timer, qint64 expected)
{
    timer.expected = expected;
    timer.deadline
        = timer.kind == Kind::Coarse ? roundTo(expected, coarseStepNs(timer.intervalMs)) : expected;
    m_queue.emplace(timer.deadline, id);
}

// From the unrounded expectation, so that rounding never accumulates into drift. A
// timer that fell behind skips the periods it missed rather than firing in a burst.
void TimerQueue::reschedule(int id, Timer &timer, qint64 now)
{
    m_queue.erase({timer.deadline, id});
    const bool seconds = timer.kind == Kind::VeryCoarse;
    const qint64 interval
        = seconds ? wholeSeconds(timer.intervalMs) * SecondNs : timer.intervalMs * MsNs;
    qint64 expected = timer.expected + interval;
    if (expected < now)
        expected = (seconds ? roundTo(now, SecondNs) : now) + interval;
    schedule(id, timer, expected);
}

bool TimerQueue::remove(int id)
{
    const auto it = m_timers.find(id);
    if (it == m_timers.end())
        return false;
    erase(it);
    return true;
}

void TimerQueue::erase(std::unordered_map<int, Timer>::iterator it)
{
    m_queue.erase({it->second.deadline, it->first});
    auto [first, last] = m_byObject.equal_range(it->second.object);
    for (; first != last; ++first) {
        if (first->second == it->first) {
            m_byObject.erase(first);
            break;
        }
    }
    m_timers.erase(it);
}

bool TimerQueue::removeAll(QObject *object)
{
    const auto [first, last] = m_byObject.equal_range(object);
    if (first == last)
        return false;
    for (auto it = first; it != last; ++it) {
        const auto timer = m_timers.find(it->second);
        m_queue.erase({timer->second.deadline, it->second});
        m_timers.erase(timer);
    }
    m_byObject.erase(first, last);
    return true;
}

QList<TimerQueue::TimerInfo> TimerQueue::timersOf(QObject *object) const
{
    QList<TimerInfo> timers;
    const auto [first, last] = m_byObject.equal_range(object);
    for (auto it = first; it != last; ++it) {
        const Timer &timer = m_timers.at(it->second);
        timers.append(TimerInfo(it->second, int(timer.intervalMs), timer.type));
    }
    return timers;
}

int TimerQueue::remainingMs(int id) const
{
    const auto it = m_timers.find(id);
    if (it == m_timers.end())
        return -1;
    const qint64 left = it->second.deadline - nowNs();
    return left <= 0 ? 0 : int((left + MsNs - 1) / MsNs);
}

qint64 TimerQueue::waitNs() const
{
    for (const auto &[deadline, id] : m_queue) {
        if (!m_timers.at(id).firing)
            return qMax<qint64>(0, deadline - nowNs());
    }
    return -1;
}

int TimerQueue::fireDue()
{
    if (m_queue.empty())
        return 0;
    const qint64 now = nowNs();
    QVarLengthArray<std::pair<int, quint64>, 16> due; // (id, serial), in deadline order
    for (auto it = m_queue.begin(); it != m_queue.end() && it->first <= now; ++it) {
        if (const Timer &timer = m_timers.at(it->second); !timer.firing)
            due.append({it->second, timer.serial});
    }
    int fired = 0;
    for (const auto &[id, serial] : due) {
        const auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.serial != serial || it->second.firing)
            continue; // stopped or restarted by a handler earlier in this round
        reschedule(id, it->second, now);
        if (it->second.intervalMs > 0)
            ++fired;
        fire(id, it->second);
    }
    return fired;
}

void TimerQueue::fire(int id, Timer &timer)
{
    timer.firing = true;
    const quint64 serial = timer.serial;
    QTimerEvent event(id);
    QCoreApplication::sendEvent(timer.object, &event);
    // The handler may have stopped the timer, and even started another under its id.
    const auto it = m_timers.find(id);
    if (it != m_timers.end() && it->second.serial == serial)
        it->second.firing = false;
}

} // namespace Herald
