#pragma once

#include <atomic>
#include <climits>

namespace Herald {

// The WebSocket connections the workers may hold at once (max_sessions),
// each a descriptor. The acceptor takes a slot before it hands a connection
// over; the worker gives it back when the socket is gone. Thread-safe.
class SessionSlots
{
public:
    explicit SessionSlots(int limit = INT_MAX) : m_limit(limit) { }

    void setLimit(int limit) { m_limit.store(limit, std::memory_order_relaxed); }
    int limit() const { return m_limit.load(std::memory_order_relaxed); }
    bool tryAcquire();
    void release() { m_used.fetch_sub(1, std::memory_order_relaxed); }
    int inUse() const { return m_used.load(std::memory_order_relaxed); }

private:
    std::atomic<int> m_used{0};
    std::atomic<int> m_limit;
};

} // namespace Herald
