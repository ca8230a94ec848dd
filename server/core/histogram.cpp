#include "histogram.h"

#include <algorithm>

namespace Herald {

Histogram::Histogram(QList<double> bounds) : m_bounds(std::move(bounds))
{
    Q_ASSERT(m_bounds.size() <= MaxBuckets);
    Q_ASSERT(std::is_sorted(m_bounds.cbegin(), m_bounds.cend()));
}

void Histogram::observe(double value)
{
    const auto bucket
        = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value) - m_bounds.cbegin();
    m_counts[size_t(bucket)].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const
{
    Snapshot snapshot{m_bounds, {}, m_sum.load(std::memory_order_relaxed), 0};
    for (qsizetype i = 0; i <= m_bounds.size(); ++i) {
        snapshot.count += m_counts[size_t(i)].load(std::memory_order_relaxed);
        snapshot.cumulative.append(snapshot.count);
    }
    return snapshot;
}

QList<double> Histogram::latencyBounds()
{
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
}

} // namespace Herald
