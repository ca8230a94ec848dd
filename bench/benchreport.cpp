#include "benchreport.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

BenchReport::BenchReport(QString title) : m_title(std::move(title))
{ }

void BenchReport::add(const QString &label, const QString &value)
{
    m_lines.append({label, value});
}

QString BenchReport::text() const
{
    QString text = u"== %1 ==\n"_s.arg(m_title);
    for (const auto &[label, value] : m_lines)
        text += u"  %1 %2\n"_s.arg(label, -18).arg(value);
    return text;
}

qint64 BenchReport::percentile(const std::vector<qint64> &sorted, double fraction)
{
    const auto rank = size_t(std::ceil(fraction * double(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

QString BenchReport::percentiles(std::vector<qint64> samplesNs)
{
    if (samplesNs.empty())
        return u"n/a"_s;
    std::sort(samplesNs.begin(), samplesNs.end());
    return u"p50 %1  p95 %2  p99 %3  max %4  (n=%5)"_s
        .arg(duration(percentile(samplesNs, 0.50)), duration(percentile(samplesNs, 0.95)),
             duration(percentile(samplesNs, 0.99)), duration(samplesNs.back()))
        .arg(samplesNs.size());
}

QString BenchReport::duration(qint64 ns)
{
    if (ns < 1000000)
        return u"%1 µs"_s.arg(double(ns) / 1e3, 0, 'f', 0);
    if (ns < 1000000000)
        return u"%1 ms"_s.arg(double(ns) / 1e6, 0, 'f', 2);
    return u"%1 s"_s.arg(double(ns) / 1e9, 0, 'f', 3);
}

QString BenchReport::rate(qint64 count, qint64 ns, const QString &unit)
{
    if (ns <= 0)
        return u"n/a"_s;
    return u"%1 %2/s"_s.arg(double(count) * 1e9 / double(ns), 0, 'f', 0).arg(unit);
}

} // namespace Herald
