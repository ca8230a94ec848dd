#pragma once

#include "statssample.h"

#include <QList>
#include <QObject>

#include <optional>

namespace Herald {

// The stats samples of the last window (5 minutes by default), oldest first,
// timed by the console's own clock so a server's clock cannot skew the charts.
class TrafficHistory : public QObject
{
    Q_OBJECT

public:
    enum class Metric { PushesPerSecond, FramesPerSecond, BytesPerSecond };
    Q_ENUM(Metric)

    explicit TrafficHistory(int windowSeconds = 300, QObject *parent = nullptr);

    void add(const StatsSample &sample);
    void clear();

    int windowSeconds() const { return m_windowSeconds; }
    const QList<StatsSample> &samples() const { return m_samples; }
    std::optional<StatsSample> latest() const;
    double peak(Metric metric) const; // 0 when empty
    static double value(const StatsSample &sample, Metric metric);

Q_SIGNALS:
    void changed();

private:
    int m_windowSeconds;
    QList<StatsSample> m_samples;
};

} // namespace Herald
