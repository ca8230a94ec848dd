#pragma once

#include <atomic>

namespace Herald {

// The eventfd that wakes an EpollEventDispatcher blocked in epoll_wait. wakeUp() may be
// called from any thread, as often as events are posted: only the first call after a
// consume() writes, so a burst of posts costs one system call.
class WakeUpFd
{
public:
    WakeUpFd(); // aborts when the process is out of descriptors, like Qt's own dispatcher
    ~WakeUpFd();
    WakeUpFd(const WakeUpFd &) = delete;
    WakeUpFd &operator=(const WakeUpFd &) = delete;

    int fd() const { return m_fd; }
    void wakeUp();
    // Dispatcher thread, after the descriptor was reported readable. A wakeUp() racing
    // with it may be absorbed; that is harmless because the dispatcher sends posted
    // events before it blocks again.
    void consume();

private:
    int m_fd = -1;
    std::atomic<bool> m_pending{false};
};

} // namespace Herald
