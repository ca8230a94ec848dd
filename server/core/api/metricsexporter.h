#pragma once

#include <QByteArray>

namespace Herald {

class ServerStats;
class SessionDirectory;

// /metrics in the Prometheus text exposition format (version 0.0.4): every
// counter of ServerStats as herald_*_total, gauges for sessions, users and
// the process (memory, descriptors), and the store's commit histograms.
class MetricsExporter
{
public:
    MetricsExporter(const ServerStats &stats, const SessionDirectory &directory);

    QByteArray render() const;
    static constexpr const char *ContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    const ServerStats &m_stats;
    const SessionDirectory &m_directory;
};

} // namespace Herald
