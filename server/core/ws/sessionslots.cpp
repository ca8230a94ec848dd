#include "ws/sessionslots.h"

namespace Herald {

bool SessionSlots::tryAcquire()
{
    if (m_used.fetch_add(1, std::memory_order_relaxed) < limit())
        return true;
    release();
    return false;
}

} // namespace Herald
