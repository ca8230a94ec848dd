#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include <vector>

namespace Herald {

// A plain-text table of labelled figures, plus the formatting helpers the
// figures need (durations, rates, latency percentiles).
class BenchReport
{
public:
    explicit BenchReport(QString title);

    void add(const QString &label, const QString &value);
    QString text() const;

    // "p50 1.21 ms  p95 3.40 ms  p99 5.02 ms  max 9.87 ms", or "n/a" when empty.
    static QString percentiles(std::vector<qint64> samplesNs);
    static QString duration(qint64 ns); // "812 µs", "3.40 ms", "1.234 s"
    static QString rate(qint64 count, qint64 ns, const QString &unit); // "12345 pushes/s"

private:
    // Nearest-rank percentile of sorted samples.
    static qint64 percentile(const std::vector<qint64> &sorted, double fraction);

    QString m_title;
    QList<QPair<QString, QString>> m_lines;
};

} // namespace Herald
