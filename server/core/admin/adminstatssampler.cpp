#include "admin/adminstatssampler.h"

#include "processinfo.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminStatsSampler::Figures AdminStatsSampler::figures(const AdminStats &totals)
{
    return {totals.notifications + totals.broadcasts, totals.framesSent,
            qint64(totals.others.value(u"bytes_sent"_s).toDouble())};
}

void AdminStatsSampler::reset(const QJsonObject &totals)
{
    m_since.start();
    m_last = figures(AdminStats::fromJson(totals).value_or(AdminStats{}));
}

AdminStats AdminStatsSampler::sample(const QJsonObject &totals)
{
    // The totals of /api/v1/stats always read: they carry "sessions".
    AdminStats frame = AdminStats::fromJson(totals).value_or(AdminStats{});
    const double seconds = std::max<qint64>(1, m_since.restart()) / 1000.0;
    const Figures now = figures(frame);
    frame.pushesPerSecond = double(now.pushes - m_last.pushes) / seconds;
    frame.framesPerSecond = double(now.frames - m_last.frames) / seconds;
    frame.bytesPerSecond = double(now.bytes - m_last.bytes) / seconds;
    frame.rssBytes = qint64(ProcessInfo::residentBytes());
    frame.timestamp = QDateTime::currentDateTimeUtc();
    m_last = now;
    return frame;
}

} // namespace Herald
