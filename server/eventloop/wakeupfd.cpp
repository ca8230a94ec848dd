#include "wakeupfd.h"

#include <QtGlobal>

#include <cerrno>
#include <cstring>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Herald {

WakeUpFd::WakeUpFd() : m_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    if (m_fd < 0)
        qFatal("WakeUpFd: cannot create an eventfd: %s", strerror(errno));
}

WakeUpFd::~WakeUpFd()
{
    ::close(m_fd);
}

void WakeUpFd::wakeUp()
{
    if (m_pending.exchange(true, std::memory_order_acq_rel))
        return;
    int result;
    do {
        result = ::eventfd_write(m_fd, 1);
    } while (result < 0 && errno == EINTR);
}

void WakeUpFd::consume()
{
    eventfd_t value;
    ::eventfd_read(m_fd, &value); // EAGAIN when already drained: nothing to do
    m_pending.store(false, std::memory_order_release);
}

} // namespace Herald
