#include "statssample.h"

namespace Herald {

std::optional<StatsSample> StatsSample::fromJson(const QJsonObject &json,
                                                 const QDateTime &receivedAt)
{
    std::optional<AdminStats> stats = AdminStats::fromJson(json);
    if (!stats)
        return std::nullopt;
    StatsSample sample{std::move(*stats), receivedAt};
    return sample;
}

} // namespace Herald
