#include "statssample.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<StatsSample> StatsSample::fromJson(const QJsonObject &json,
                                                 const QDateTime &receivedAt)
{
    if (!json.value(u"sessions"_s).isDouble() && !json.value(u"pushes_per_s"_s).isDouble())
        return std::nullopt;
    StatsSample sample;
    sample.receivedAt = receivedAt;
    sample.sessions = json.value(u"sessions"_s).toInteger();
    sample.users = json.value(u"users"_s).toInteger();
    sample.pushesPerSecond = json.value(u"pushes_per_s"_s).toDouble();
    sample.framesPerSecond = json.value(u"frames_per_s"_s).toDouble();
    sample.bytesPerSecond = json.value(u"bytes_per_s"_s).toDouble();
    sample.notifications = json.value(u"notifications"_s).toInteger();
    sample.broadcasts = json.value(u"broadcasts"_s).toInteger();
    sample.framesSent = json.value(u"frames_sent"_s).toInteger();
    sample.heartbeatReaps = json.value(u"heartbeat_reaps"_s).toInteger();
    sample.rssBytes = json.value(u"rss_bytes"_s).toInteger();
    sample.uptimeSeconds = json.value(u"uptime_s"_s).toInteger();
    return sample;
}

} // namespace Herald
