#include "writeprobe.h"

#include "eventlooplogging.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace Herald {

std::span<const pollfd> WriteProbe::run()
{
    m_results.clear();
    std::swap(m_results, m_waiting);
    const timespec now{0, 0};
    int ready;
    do {
        ready = ::ppoll(m_results.data(), m_results.size(), &now, nullptr);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        // Only ENOMEM is possible here. "Not writable yet" is the safe answer: epoll
        // reports them when they are.
        qCWarning(lcEventLoop, "poll: %s", strerror(errno));
        for (pollfd &result : m_results)
            result.revents = 0;
    }
    return m_results;
}

} // namespace Herald
