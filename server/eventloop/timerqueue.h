#pragma once

#include <QAbstractEventDispatcher>
#include <QList>

#include <set>
#include <unordered_map>
#include <utility>

namespace Herald {

// The timers of one EpollEventDispatcher, ordered by deadline (nanoseconds of
// CLOCK_MONOTONIC). The contract is that of Qt's Unix dispatcher:
// - Precise: fires at or after its interval, never early.
// - Coarse: within 5 % of its interval, early or late, rounded so that the timers of a
//   thread wake it together; under 20 ms it is precise, from 20 s very coarse.
// - VeryCoarse: whole seconds, at least one (Qt's would round under half a second to
//   zero and fire every round).
// - A zero interval, whatever the type: once per processEvents round.
// A round fires only the timers that were due when it began, each once, so a timer
// (re)started by a handler waits for the next round. A timer is not fired again while
// its own event is being delivered (a nested event loop in its handler), and a nested
// loop does not count it when deciding how long it may block.
class TimerQueue
{
public:
    using TimerInfo = QAbstractEventDispatcher::TimerInfo;

    void add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object);
    bool remove(int id);
    bool removeAll(QObject *object);
    QList<TimerInfo> timersOf(QObject *object) const;
    int remainingMs(int id) const; // -1 for an unknown id, 0 when overdue

    // How long the dispatcher may block before a timer is due: -1 for as long as it
    // likes, 0 when one is due now.
    qint64 waitNs() const;
    // Fires the due timers; returns how many, zero-interval timers not counted (as in
    // Qt, so that "process until nothing is left" loops end).
    int fireDue();

private:
    enum class Kind { Zero, Precise, Coarse, VeryCoarse };
    struct Timer
    {
        QObject *object;
        qint64 intervalMs;
        Qt::TimerType type; // as registered, for timersOf()
        Kind kind; // how its deadlines are computed
        qint64 expected; // when it would fire with no rounding
        qint64 deadline; // when it fires
        quint64 serial; // tells it from a later timer that reuses its id
        bool firing = false; // its event is being delivered
    };

    static Kind kindOf(qint64 intervalMs, Qt::TimerType type);
    void schedule(int id, Timer &timer, qint64 expected);
    void reschedule(int id, Timer &timer, qint64 now);
    void fire(int id, Timer &timer);
    void erase(std::unordered_map<int, Timer>::iterator it);

    std::unordered_map<int, Timer> m_timers;
    std::set<std::pair<qint64, int>> m_queue; // (deadline, id)
    std::unordered_multimap<QObject *, int> m_byObject;
    quint64 m_nextSerial = 0;
};

} // namespace Herald
