#pragma once

#include "admin/adminstats.h"

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace Herald {

// One "stats" frame (AdminStats) and when this console received it.
struct StatsSample : AdminStats
{
    QDateTime receivedAt; // local clock: the time axis of the charts

    // nullopt when AdminStats refuses the frame (neither "sessions" nor
    // "pushes_per_s"); any other missing counter reads as 0.
    static std::optional<StatsSample> fromJson(const QJsonObject &json,
                                               const QDateTime &receivedAt);
};

} // namespace Herald
