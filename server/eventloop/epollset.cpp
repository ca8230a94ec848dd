#include "epollset.h"

#include "eventlooplogging.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace Herald {
namespace {

constexpr size_t InitialEvents = 256;
constexpr size_t MaxEvents = 4096; // a larger wake-up is read over several rounds

int control(int epoll, int operation, int fd, quint32 events)
{
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    return ::epoll_ctl(epoll, operation, fd, &event) == 0 ? 0 : errno;
}

int createEpoll(int wakeUpFd)
{
    const int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0 || control(fd, EPOLL_CTL_ADD, wakeUpFd, EPOLLIN) != 0)
        qFatal("EpollSet: cannot create an epoll instance: %s", strerror(errno));
    return fd;
}

// epoll_wait takes milliseconds: round up, so that a timer never fires early.
int milliseconds(qint64 timeoutNs)
{
    if (timeoutNs < 0)
        return -1;
    return int(qMin<qint64>((timeoutNs + 999999) / 1000000, 0x7fffffff));
}

} // namespace

EpollSet::EpollSet(int wakeUpFd)
    : m_wakeUpFd(wakeUpFd), m_fd(createEpoll(wakeUpFd)), m_events(InitialEvents)
{ }

EpollSet::~EpollSet()
{
    ::close(m_fd);
}

int EpollSet::add(int fd, quint32 events)
{
    return control(m_fd, EPOLL_CTL_ADD, fd, events);
}

int EpollSet::modify(int fd, quint32 events)
{
    return control(m_fd, EPOLL_CTL_MOD, fd, events);
}

int EpollSet::remove(int fd)
{
    return control(m_fd, EPOLL_CTL_DEL, fd, 0);
}

std::span<const epoll_event> EpollSet::wait(qint64 timeoutNs)
{
    const int count = waitFor(timeoutNs);
    if (count < 0) {
        if (errno != EINTR)
            qCWarning(lcEventLoop, "epoll_wait: %s", strerror(errno));
        return {};
    }
    const std::span<const epoll_event> ready(m_events.data(), size_t(count));
    // A full buffer means more are probably waiting: read more at once next time. The
    // span stays valid, because the buffer only grows on the following wait.
    if (size_t(count) == m_events.size() && m_events.size() < MaxEvents)
        m_growNext = true;
    return ready;
}

int EpollSet::waitFor(qint64 timeoutNs)
{
    if (m_growNext) {
        m_events.resize(m_events.size() * 2);
        m_growNext = false;
    }
    const int capacity = int(m_events.size());
    if (m_nanosecondWait) {
        timespec timeout{time_t(timeoutNs / 1000000000), long(timeoutNs % 1000000000)};
        const int count = ::epoll_pwait2(m_fd, m_events.data(), capacity,
                                         timeoutNs < 0 ? nullptr : &timeout, nullptr);
        if (count >= 0 || (errno != ENOSYS && errno != EPERM))
            return count;
        m_nanosecondWait = false; // an old kernel, or a seccomp filter that predates it
    }
    return ::epoll_wait(m_fd, m_events.data(), capacity, milliseconds(timeoutNs));
}

void EpollSet::reset()
{
    const int fresh = createEpoll(m_wakeUpFd);
    ::close(m_fd);
    m_fd = fresh;
}

} // namespace Herald
