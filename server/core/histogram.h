#pragma once

#include <QList>

#include <array>
#include <atomic>

namespace Herald {

// A Prometheus-style histogram with fixed upper bounds, safe to observe from
// any thread (relaxed atomics: each figure is an independent tally).
class Histogram
{
public:
    static constexpr int MaxBuckets = 16;

    // \a bounds ascending, at most MaxBuckets; +Inf is implied.
    explicit Histogram(QList<double> bounds);

    void observe(double value);

    struct Snapshot
    {
        QList<double> bounds;
        QList<quint64> cumulative; // per bound, then +Inf (== count)
        double sum = 0;
        quint64 count = 0;
    };
    Snapshot snapshot() const;

    // Upper bounds for latencies in seconds: 100 µs to 10 s.
    static QList<double> latencyBounds();

private:
    QList<double> m_bounds;
    std::array<std::atomic<quint64>, MaxBuckets + 1> m_counts{};
    std::atomic<double> m_sum{0};
};

} // namespace Herald
