#pragma once

#include <poll.h>

#include <span>
#include <vector>

namespace Herald {

// Descriptors whose write notifier was just enabled, asked with one poll() call whether
// they can be written now. A socket nearly always can: QAbstractSocket enables its write
// notifier for every write and disables it once the data is out, so registering
// EPOLLOUT with epoll and dropping it again would cost two epoll_ctl calls per write.
class WriteProbe
{
public:
    void add(int fd) { m_waiting.push_back({fd, POLLOUT, 0}); }
    bool isEmpty() const { return m_waiting.empty(); }
    // Polls every added descriptor without blocking and forgets them. The results (with
    // revents) stay valid until the next run().
    std::span<const pollfd> run();

private:
    std::vector<pollfd> m_waiting;
    std::vector<pollfd> m_results;
};

} // namespace Herald
