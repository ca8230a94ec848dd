#include "adminevent.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

AdminEvent notificationFromJson(const QJsonObject &json)
{
    AdminEvent event;
    event.kind = AdminEvent::Kind::Notification;
    event.notificationId = json.value(u"id"_s).toString();
    event.eventName = json.value(u"event"_s).toString();
    event.broadcast = json.value(u"broadcast"_s).toBool();
    for (const QJsonValue &user : json.value(u"users"_s).toArray())
        event.users.append(user.toString());
    event.userCount = json.value(u"user_count"_s).toInt(int(event.users.size()));
    event.payloadBytes = json.value(u"payload_bytes"_s).toInteger();
    event.sessionsReached = json.value(u"sessions"_s).toInt();
    event.stored = json.value(u"stored"_s).toBool();
    return event;
}

} // namespace

std::optional<AdminEvent> AdminEvent::fromJson(const QJsonObject &json)
{
    const QString type = json.value(u"type"_s).toString();
    if (type == u"notification"_s)
        return notificationFromJson(json);
    if (type == u"overflow"_s) {
        AdminEvent event;
        event.kind = Kind::Overflow;
        event.dropped = json.value(u"dropped"_s).toInteger();
        return event;
    }
    if (type != u"session_opened"_s && type != u"session_closed"_s)
        return std::nullopt;
    const auto session = SessionRecord::fromJson(json.value(u"session"_s).toObject());
    if (!session)
        return std::nullopt;
    if (type == u"session_opened"_s)
        return opened(*session);
    AdminEvent event = closed(*session, json.value(u"code"_s).toInt());
    event.closeReason = json.value(u"reason"_s).toString();
    return event;
}

AdminEvent AdminEvent::opened(const SessionRecord &session)
{
    AdminEvent event;
    event.kind = Kind::SessionOpened;
    event.session = session;
    return event;
}

AdminEvent AdminEvent::closed(const SessionRecord &session, int code)
{
    AdminEvent event;
    event.kind = Kind::SessionClosed;
    event.session = session;
    event.closeCode = code;
    return event;
}

} // namespace Herald
