#include "adminevent.h"

#include "adminkeys.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

AdminEvent notificationFromJson(const QJsonObject &json)
{
    AdminEvent event;
    event.kind = AdminEvent::Kind::Notification;
    event.notificationId = json.value(AdminKey::Id).toString();
    event.eventName = json.value(AdminKey::Event).toString();
    event.broadcast = json.value(AdminKey::Broadcast).toBool();
    for (const QJsonValue &user : json.value(AdminKey::Users).toArray())
        event.users.append(user.toString());
    event.userCount = json.value(AdminKey::UserCount).toInt(int(event.users.size()));
    event.payloadBytes = json.value(AdminKey::PayloadBytes).toInteger();
    event.sessionsReached = json.value(AdminKey::Sessions).toInt();
    event.stored = json.value(AdminKey::Stored).toBool();
    return event;
}

void writeNotification(const AdminEvent &event, QJsonObject &json)
{
    json.insert(AdminKey::Id, event.notificationId);
    json.insert(AdminKey::Event, event.eventName);
    json.insert(AdminKey::PayloadBytes, event.payloadBytes);
    json.insert(AdminKey::Sessions, event.sessionsReached);
    json.insert(AdminKey::Stored, event.stored);
    if (event.broadcast) {
        json.insert(AdminKey::Broadcast, true);
    } else {
        json.insert(AdminKey::Users, QJsonArray::fromStringList(event.users));
        json.insert(AdminKey::UserCount, event.userCount);
    }
}

} // namespace

std::optional<AdminEvent> AdminEvent::fromJson(const QJsonObject &json, QString *error)
{
    const QString type = json.value(AdminKey::Type).toString();
    if (type == AdminType::Notification)
        return notificationFromJson(json);
    if (type == AdminType::Overflow)
        return overflow(json.value(AdminKey::Dropped).toInteger());
    if (type != AdminType::SessionOpened && type != AdminType::SessionClosed)
        return adminRefusal(error, u"Unknown event type '%1'"_s.arg(type));
    QString why;
    const auto session
        = AdminSessionRecord::fromJson(json.value(AdminKey::Session).toObject(), &why);
    if (!session)
        return adminRefusal(error, why);
    if (type == AdminType::SessionOpened)
        return opened(*session);
    return closed(*session, json.value(AdminKey::Code).toInt(),
                  json.value(AdminKey::Reason).toString());
}

QJsonObject AdminEvent::toJson() const
{
    QJsonObject json;
    switch (kind) {
    case Kind::SessionOpened:
        json.insert(AdminKey::Type, AdminType::SessionOpened);
        json.insert(AdminKey::Session, session.toJson());
        break;
    case Kind::SessionClosed:
        json.insert(AdminKey::Type, AdminType::SessionClosed);
        json.insert(AdminKey::Session, session.toJson());
        json.insert(AdminKey::Code, closeCode);
        json.insert(AdminKey::Reason, closeReason);
        break;
    case Kind::Notification:
        json.insert(AdminKey::Type, AdminType::Notification);
        writeNotification(*this, json);
        break;
    case Kind::Overflow:
        json.insert(AdminKey::Type, AdminType::Overflow);
        json.insert(AdminKey::Dropped, dropped);
        break;
    }
    return json;
}

AdminEvent AdminEvent::opened(const AdminSessionRecord &session)
{
    AdminEvent event;
    event.kind = Kind::SessionOpened;
    event.session = session;
    return event;
}

AdminEvent AdminEvent::closed(const AdminSessionRecord &session, int code, const QString &reason)
{
    AdminEvent event;
    event.kind = Kind::SessionClosed;
    event.session = session;
    event.closeCode = code;
    event.closeReason = reason;
    return event;
}

AdminEvent AdminEvent::overflow(qint64 dropped)
{
    AdminEvent event;
    event.kind = Kind::Overflow;
    event.dropped = dropped;
    return event;
}

} // namespace Herald
