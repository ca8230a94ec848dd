#include "traffichistory.h"

#include <algorithm>

namespace Herald {

TrafficHistory::TrafficHistory(int windowSeconds, QObject *parent)
    : QObject(parent), m_windowSeconds(std::max(1, windowSeconds))
{ }

void TrafficHistory::add(const StatsSample &sample)
{
    // Samples arrive in order; one from before the newest (a clock step back)
    // would fold the time axis, so it starts the history over.
    if (!m_samples.isEmpty() && sample.receivedAt < m_samples.last().receivedAt)
        m_samples.clear();
    m_samples.append(sample);
    const QDateTime oldest = sample.receivedAt.addSecs(-m_windowSeconds);
    const auto firstKept
        = std::find_if(m_samples.cbegin(), m_samples.cend(),
                       [&](const StatsSample &s) { return s.receivedAt >= oldest; });
    m_samples.erase(m_samples.cbegin(), firstKept);
    Q_EMIT changed();
}

void TrafficHistory::clear()
{
    m_samples.clear();
    Q_EMIT changed();
}

std::optional<StatsSample> TrafficHistory::latest() const
{
    if (m_samples.isEmpty())
        return std::nullopt;
    return m_samples.last();
}

double TrafficHistory::peak(Metric metric) const
{
    double peak = 0;
    for (const StatsSample &sample : m_samples)
        peak = std::max(peak, value(sample, metric));
    return peak;
}

double TrafficHistory::value(const StatsSample &sample, Metric metric)
{
    switch (metric) {
    case Metric::PushesPerSecond:
        return sample.pushesPerSecond;
    case Metric::FramesPerSecond:
        return sample.framesPerSecond;
    case Metric::BytesPerSecond:
        return sample.bytesPerSecond;
    }
    return 0;
}

} // namespace Herald
