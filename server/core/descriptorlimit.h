#pragma once

#include <QtGlobal>

namespace Herald {

// The process's open-file limit (RLIMIT_NOFILE). Every WebSocket session
// holds a descriptor, so the limit decides how many sessions fit.
class DescriptorLimit
{
public:
    static constexpr qint64 Reserve = 1024;

    // Raises the soft limit to the hard one (systemd starts services at
    // 1,024 and leaves raising it to them) and returns the soft limit then
    // in force. Never fails: without a change it returns the limit as it is.
    static qint64 raise();
    // The sessions that leave Reserve descriptors (at most half the limit)
    // for the push API, the admin channel, the store and requests being read.
    static int sessionsFor(qint64 limit);
};

} // namespace Herald
