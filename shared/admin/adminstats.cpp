#include "adminstats.h"

#include "adminkeys.h"
#include "admintime.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr QLatin1StringView KnownKeys[] = {
    AdminKey::Type,
    AdminKey::Sessions,
    AdminKey::Users,
    AdminKey::PushesPerSecond,
    AdminKey::FramesPerSecond,
    AdminKey::BytesPerSecond,
    AdminKey::Notifications,
    AdminKey::Broadcasts,
    AdminKey::FramesSent,
    AdminKey::HeartbeatReaps,
    AdminKey::RssBytes,
    AdminKey::UptimeSeconds,
    AdminKey::Timestamp,
};

} // namespace

std::optional<AdminStats> AdminStats::fromJson(const QJsonObject &json, QString *error)
{
    if (!json.value(AdminKey::Sessions).isDouble()
        && !json.value(AdminKey::PushesPerSecond).isDouble())
        return adminRefusal(error, u"A stats frame needs 'sessions' or 'pushes_per_s'"_s);
    AdminStats stats;
    stats.sessions = json.value(AdminKey::Sessions).toInteger();
    stats.users = json.value(AdminKey::Users).toInteger();
    stats.pushesPerSecond = json.value(AdminKey::PushesPerSecond).toDouble();
    stats.framesPerSecond = json.value(AdminKey::FramesPerSecond).toDouble();
    stats.bytesPerSecond = json.value(AdminKey::BytesPerSecond).toDouble();
    stats.notifications = json.value(AdminKey::Notifications).toInteger();
    stats.broadcasts = json.value(AdminKey::Broadcasts).toInteger();
    stats.framesSent = json.value(AdminKey::FramesSent).toInteger();
    stats.heartbeatReaps = json.value(AdminKey::HeartbeatReaps).toInteger();
    stats.rssBytes = json.value(AdminKey::RssBytes).toInteger();
    stats.uptimeSeconds = json.value(AdminKey::UptimeSeconds).toInteger();
    stats.timestamp = AdminTime::parse(json.value(AdminKey::Timestamp).toString());
    stats.others = json;
    for (const QLatin1StringView key : KnownKeys)
        stats.others.remove(key);
    return stats;
}

QJsonObject AdminStats::toJson() const
{
    QJsonObject json = others;
    json.insert(AdminKey::Type, AdminType::Stats);
    json.insert(AdminKey::Sessions, sessions);
    json.insert(AdminKey::Users, users);
    json.insert(AdminKey::PushesPerSecond, pushesPerSecond);
    json.insert(AdminKey::FramesPerSecond, framesPerSecond);
    json.insert(AdminKey::BytesPerSecond, bytesPerSecond);
    json.insert(AdminKey::Notifications, notifications);
    json.insert(AdminKey::Broadcasts, broadcasts);
    json.insert(AdminKey::FramesSent, framesSent);
    json.insert(AdminKey::HeartbeatReaps, heartbeatReaps);
    json.insert(AdminKey::RssBytes, rssBytes);
    json.insert(AdminKey::UptimeSeconds, uptimeSeconds);
    if (timestamp.isValid())
        json.insert(AdminKey::Timestamp, AdminTime::format(timestamp));
    return json;
}

} // namespace Herald
