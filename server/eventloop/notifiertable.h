#pragma once

#include "writeprobe.h"

#include <QSocketNotifier>

#include <array>
#include <unordered_map>
#include <vector>

namespace Herald {

class EpollSet;

// The socket notifiers of one EpollEventDispatcher. Every descriptor has one epoll
// registration whose mask is the union of its enabled notifiers (Read, Write,
// Exception), so a wake-up costs time in proportion to the ready descriptors only.
//
// Mask changes wait for applyChanges(), just before the next wait, so a notifier enabled
// and disabled again within one round costs nothing. Removing a descriptor's last
// notifier is not deferred: the descriptor is usually closed next, and epoll_ctl could
// no longer name it then. A newly enabled write notifier goes to a WriteProbe first, and
// to epoll only if its descriptor cannot be written yet.
//
// Activation is safe against changes made by the notifiers' own slots: a ready notifier
// waits in a queue with a pending flag, and disabling or deleting it clears the flag, so
// it is not activated afterwards in the same round. The queue is shared by nested
// event loops, as in Qt's Unix dispatcher: a nested round activates what an outer one
// left pending, and each notifier at most once per readiness report.
class NotifierTable
{
public:
    explicit NotifierTable(EpollSet &epoll) : m_epoll(epoll) { }

    void add(QSocketNotifier *notifier);
    void remove(QSocketNotifier *notifier);
    // Brings the epoll registrations in line with the enabled notifiers.
    void applyChanges();

    // True while some descriptor needs a round without blocking: one found writable by the
    // probe, a regular file (always ready, as poll() reports it) or a descriptor found
    // closed, to be disabled.
    bool needsRound() const
    {
        return m_queueHead < m_queue.size() || !m_alwaysReady.empty() || !m_invalid.empty();
    }

    // Queues the notifiers that ready events concern (events for the wake-up descriptor
    // must be filtered out before).
    void markReady(int fd, quint32 events);
    // Queues always-ready descriptors and disables notifiers on closed descriptors.
    void markOthers();
    // Delivers QEvent::SockAct to every queued notifier still pending; returns how many.
    int activate();

private:
    struct Entry
    {
        std::array<QSocketNotifier *, 3> notifiers{}; // by QSocketNotifier::Type
        quint32 registered = 0; // the mask epoll holds
        bool inEpoll = false;
        quint8 pending = 0; // bit per type: queued and not yet activated
        bool alwaysReady = false; // a regular file: epoll refuses it, poll() says ready
        bool invalid = false; // closed: its notifiers get disabled in the next round
        bool changed = false; // listed in m_changed
        bool probing = false; // listed in m_probe
    };
    struct Ready
    {
        int fd;
        QSocketNotifier::Type type;
    };

    void markChanged(int fd, Entry &entry);
    void sync(int fd, Entry &entry);
    void setMask(int fd, Entry &entry, quint32 mask);
    int control(int fd, const Entry &entry, quint32 mask);
    void probeWrites();
    void markInvalid(int fd, Entry &entry);
    void unregister(int fd, Entry &entry);
    void queue(int fd, Entry &entry, quint32 events);
    void forgetStray(int fd);
    void rebuild();
    void disableInvalid();

    EpollSet &m_epoll;
    std::unordered_map<int, Entry> m_entries;
    std::vector<Ready> m_queue;
    size_t m_queueHead = 0; // activate() takes from here; nested rounds share the queue
    std::vector<int> m_changed; // descriptors whose mask may differ from what epoll holds
    std::vector<int> m_alwaysReady;
    std::vector<int> m_invalid;
    WriteProbe m_probe;
    bool m_rebuildNeeded = false;
};

} // namespace Herald
