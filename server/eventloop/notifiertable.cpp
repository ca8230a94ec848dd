#include "notifiertable.h"

#include "epollset.h"
#include "eventlooplogging.h"

#include <QCoreApplication>

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>

namespace Herald {
namespace {

// What each notifier type asks epoll for, by QSocketNotifier::Type.
constexpr std::array<quint32, 3> TypeEvents{EPOLLIN, EPOLLOUT, EPOLLPRI};
// Reported whatever the mask. Like Qt's poll() dispatcher, they activate every notifier
// of the descriptor, so that each can find out (read() returns the error or EOF).
constexpr quint32 ErrorEvents = EPOLLERR | EPOLLHUP;
// What poll() reports for a regular file.
constexpr quint32 AlwaysReadyEvents = EPOLLIN | EPOLLOUT;
// The write probe's poll() results are used as epoll events.
static_assert(POLLOUT == EPOLLOUT && POLLERR == EPOLLERR && POLLHUP == EPOLLHUP);

constexpr quint8 bit(QSocketNotifier::Type type)
{
    return quint8(1u << type);
}

const char *typeName(QSocketNotifier::Type type)
{
    static constexpr std::array<const char *, 3> names{"Read", "Write", "Exception"};
    return names[type];
}

quint32 maskOf(const std::array<QSocketNotifier *, 3> &notifiers)
{
    quint32 mask = 0;
    for (size_t type = 0; type < notifiers.size(); ++type) {
        if (notifiers[type])
            mask |= TypeEvents[type];
    }
    return mask;
}

} // namespace

void NotifierTable::add(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const QSocketNotifier::Type type = notifier->type();
    Entry &entry = m_entries[fd];
    QSocketNotifier *&slot = entry.notifiers[type];
    if (slot && slot != notifier) {
        qCWarning(lcEventLoop, "Several socket notifiers for descriptor %d and type %s", fd,
                  typeName(type));
        // Most likely the descriptor was closed under the old one and its number reused:
        // the kernel dropped the registration with the old file, so register again.
        entry.inEpoll = false;
    }
    slot = notifier;
    entry.pending &= ~bit(type);
    markChanged(fd, entry);
}

void NotifierTable::remove(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const QSocketNotifier::Type type = notifier->type();
    const auto it = m_entries.find(fd);
    if (it == m_entries.end() || it->second.notifiers[type] != notifier)
        return; // never enabled here, or replaced by a later notifier (warned about then)
    Entry &entry = it->second;
    entry.notifiers[type] = nullptr;
    entry.pending &= ~bit(type);
    if (maskOf(entry.notifiers) != 0) {
        markChanged(fd, entry);
        return;
    }
    unregister(fd, entry);
    m_entries.erase(it); // applyChanges() skips it
}

void NotifierTable::markChanged(int fd, Entry &entry)
{
    if (!std::exchange(entry.changed, true))
        m_changed.push_back(fd);
}

void NotifierTable::applyChanges()
{
    for (const int fd : m_changed) {
        const auto it = m_entries.find(fd);
        if (it != m_entries.end() && std::exchange(it->second.changed, false))
            sync(fd, it->second);
    }
    m_changed.clear();
    if (!m_probe.isEmpty())
        probeWrites();
}

// Brings the epoll registration in line with the enabled notifiers, except for a write
// notifier not yet registered: that one is probed first.
void NotifierTable::sync(int fd, Entry &entry)
{
    if (entry.alwaysReady)
        return;
    quint32 mask = maskOf(entry.notifiers);
    if ((mask & EPOLLOUT) && !(entry.registered & EPOLLOUT)) {
        mask &= ~EPOLLOUT;
        if (!std::exchange(entry.probing, true))
            m_probe.add(fd);
    }
    if (entry.invalid || (entry.inEpoll ? mask != entry.registered : mask != 0))
        setMask(fd, entry, mask);
}

void NotifierTable::setMask(int fd, Entry &entry, quint32 mask)
{
    switch (const int error = control(fd, entry, mask)) {
    case 0:
        entry.registered = mask;
        entry.inEpoll = true;
        entry.invalid = false;
        return;
    case EPERM:
        entry.alwaysReady = true;
        m_alwaysReady.push_back(fd);
        return;
    case EBADF:
        markInvalid(fd, entry);
        return;
    default:
        qCWarning(lcEventLoop, "epoll_ctl on descriptor %d: %s", fd, strerror(error));
    }
}

void NotifierTable::markInvalid(int fd, Entry &entry)
{
    entry.registered = 0;
    entry.inEpoll = false;
    if (!std::exchange(entry.invalid, true))
        m_invalid.push_back(fd);
}

// A writable descriptor is queued at once, and looked at again in the next round in
// case its notifier stays enabled; one that is not gets EPOLLOUT registered.
void NotifierTable::probeWrites()
{
    for (const pollfd &result : m_probe.run()) {
        const auto it = m_entries.find(result.fd);
        if (it == m_entries.end() || !std::exchange(it->second.probing, false))
            continue; // its write notifier went, or a later entry for the number has it
        Entry &entry = it->second;
        if (result.revents & POLLNVAL) {
            markInvalid(result.fd, entry);
        } else if (result.revents) { // POLLOUT, POLLERR, POLLHUP: same bits as EPOLL*
            queue(result.fd, entry, quint32(result.revents));
            markChanged(result.fd, entry);
        } else if (entry.notifiers[QSocketNotifier::Write]) {
            setMask(result.fd, entry, maskOf(entry.notifiers));
        }
    }
}

// ADD or MOD as the entry's state asks, falling back to the other one when the
// descriptor was closed and its number reused behind the table's back (the kernel
// dropped the old registration with the old file).
int NotifierTable::control(int fd, const Entry &entry, quint32 mask)
{
    if (entry.inEpoll) {
        const int error = m_epoll.modify(fd, mask);
        return error == ENOENT ? m_epoll.add(fd, mask) : error;
    }
    const int error = m_epoll.add(fd, mask);
    return error == EEXIST ? m_epoll.modify(fd, mask) : error;
}

void NotifierTable::unregister(int fd, Entry &entry)
{
    if (entry.alwaysReady)
        std::erase(m_alwaysReady, fd);
    if (!entry.inEpoll)
        return;
    // EBADF or ENOENT: the descriptor was closed while registered, and perhaps reused.
    // The registration went with the file, unless another process still holds it; then
    // forgetStray() deals with what it reports.
    const int error = m_epoll.remove(fd);
    if (error != 0 && error != EBADF && error != ENOENT)
        qCWarning(lcEventLoop, "epoll_ctl(DEL) on descriptor %d: %s", fd, strerror(error));
}

void NotifierTable::markReady(int fd, quint32 events)
{
    const auto it = m_entries.find(fd);
    if (it == m_entries.end() || !it->second.inEpoll) {
        forgetStray(fd);
        return;
    }
    queue(fd, it->second, events);
}

void NotifierTable::queue(int fd, Entry &entry, quint32 events)
{
    for (const auto type :
         {QSocketNotifier::Read, QSocketNotifier::Write, QSocketNotifier::Exception}) {
        const bool ready = events & (TypeEvents[type] | ErrorEvents);
        if (entry.notifiers[type] && ready && !(entry.pending & bit(type))) {
            entry.pending |= bit(type);
            m_queue.push_back({fd, type});
        }
    }
}

// A report for a descriptor without notifiers: its registration outlived them (the
// descriptor was closed first, while a forked child still held the file). Level
// triggering would repeat it every round, so it has to go.
void NotifierTable::forgetStray(int fd)
{
    if (m_epoll.remove(fd) != 0)
        m_rebuildNeeded = true; // not under this number any more: only a new set drops it
}

void NotifierTable::markOthers()
{
    if (std::exchange(m_rebuildNeeded, false))
        rebuild();
    for (const int fd : m_alwaysReady)
        queue(fd, m_entries[fd], AlwaysReadyEvents);
    if (!m_invalid.empty())
        disableInvalid();
}

void NotifierTable::rebuild()
{
    qCDebug(lcEventLoop, "rebuilding the epoll set of %zu descriptors", m_entries.size());
    m_epoll.reset();
    for (auto &[fd, entry] : m_entries) {
        entry.registered = 0;
        entry.inEpoll = false;
        sync(fd, entry);
    }
}

// Qt's poll() dispatcher disables a notifier whose descriptor poll() calls invalid;
// epoll_ctl's EBADF is the same news.
void NotifierTable::disableInvalid()
{
    const std::vector<int> invalid = std::exchange(m_invalid, {});
    for (const int fd : invalid) {
        const auto it = m_entries.find(fd);
        if (it == m_entries.end() || !it->second.invalid)
            continue;
        const auto notifiers = it->second.notifiers; // a copy: disabling erases the entry
        for (QSocketNotifier *notifier : notifiers) {
            if (!notifier)
                continue;
            qCWarning(lcEventLoop, "QSocketNotifier: invalid socket %d with type %s, disabling", fd,
                      typeName(notifier->type()));
            notifier->setEnabled(false);
        }
    }
}

int NotifierTable::activate()
{
    int activated = 0;
    while (m_queueHead < m_queue.size()) {
        const Ready ready = m_queue[m_queueHead++];
        const auto it = m_entries.find(ready.fd);
        if (it == m_entries.end() || !(it->second.pending & bit(ready.type)))
            continue; // disabled or deleted since it was queued
        it->second.pending &= ~bit(ready.type);
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(it->second.notifiers[ready.type], &event);
        ++activated;
    }
    // A nested round may have drained and cleared the queue already; that is fine.
    m_queue.clear();
    m_queueHead = 0;
    return activated;
}

} // namespace Herald
