#include "descriptorlimit.h"

#include <algorithm>
#include <climits>

#include <sys/resource.h>

namespace Herald {

namespace {
constexpr qint64 Unlimited = 1 << 20; // what RLIM_INFINITY stands for here
}

qint64 DescriptorLimit::raise()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return Unlimited;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? Unlimited : qint64(limit.rlim_cur);
}

int DescriptorLimit::sessionsFor(qint64 limit)
{
    const qint64 reserve = std::min(Reserve, limit / 2);
    return int(std::clamp<qint64>(limit - reserve, 1, INT_MAX));
}

} // namespace Herald
