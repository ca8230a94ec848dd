#include "adminsessionrecord.h"

#include "adminkeys.h"
#include "admintime.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminSessionRecord> AdminSessionRecord::fromJson(const QJsonObject &json,
                                                               QString *error)
{
    const QJsonValue id = json.value(AdminKey::Id);
    const QJsonValue user = json.value(AdminKey::User);
    if (!id.isString() || id.toString().isEmpty())
        return adminRefusal(error, u"Session field 'id' must be a non-empty string"_s);
    if (!user.isString() || user.toString().isEmpty())
        return adminRefusal(error, u"Session field 'user' must be a non-empty string"_s);
    AdminSessionRecord record;
    record.id = id.toString();
    record.user = user.toString();
    record.remoteAddress = json.value(AdminKey::RemoteAddress).toString();
    record.userAgent = json.value(AdminKey::UserAgent).toString();
    record.connectedAt = AdminTime::parse(json.value(AdminKey::ConnectedAt).toString());
    record.counters = AdminSessionCounters::readFrom(json);
    record.node = json.value(AdminKey::Node).toString();
    return record;
}

QJsonObject AdminSessionRecord::toJson() const
{
    QJsonObject json;
    json.insert(AdminKey::Id, id);
    json.insert(AdminKey::User, user);
    json.insert(AdminKey::RemoteAddress, remoteAddress);
    json.insert(AdminKey::UserAgent, userAgent);
    json.insert(AdminKey::ConnectedAt, AdminTime::format(connectedAt));
    counters.writeTo(json);
    if (!node.isEmpty())
        json.insert(AdminKey::Node, node);
    return json;
}

} // namespace Herald
