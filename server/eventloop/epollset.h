#pragma once

#include <QtGlobal>

#include <sys/epoll.h>

#include <span>
#include <vector>

namespace Herald {

// One level-triggered epoll instance and the buffer its ready events are read into.
// Descriptors are identified by number (epoll_event.data.fd). The wake-up descriptor
// given to the constructor is always registered, for reading.
class EpollSet
{
public:
    // Aborts when the process is out of descriptors, like Qt's own dispatcher.
    explicit EpollSet(int wakeUpFd);
    ~EpollSet();
    EpollSet(const EpollSet &) = delete;
    EpollSet &operator=(const EpollSet &) = delete;

    // epoll_ctl; returns 0 or the errno value, which the caller interprets.
    int add(int fd, quint32 events);
    int modify(int fd, quint32 events);
    int remove(int fd);

    // Waits up to timeoutNs (-1: no limit, 0: just look) and returns the ready events,
    // valid until the next wait(). EINTR counts as nothing ready.
    std::span<const epoll_event> wait(qint64 timeoutNs);

    // Replaces the instance by a new one holding only the wake-up descriptor. The one way
    // to drop a registration whose descriptor was closed while another process still held
    // the file: epoll keeps reporting it, and epoll_ctl can no longer name it.
    void reset();

private:
    int waitFor(qint64 timeoutNs);

    int m_wakeUpFd;
    int m_fd = -1;
    std::vector<epoll_event> m_events;
    bool m_growNext = false;
    bool m_nanosecondWait = true; // epoll_pwait2 (Linux 5.11); may be missing or filtered
};

} // namespace Herald
