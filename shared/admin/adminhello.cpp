#include "adminhello.h"

#include "adminkeys.h"

#include <QVariant>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminHello> AdminHello::fromJson(const QJsonObject &json, QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::Hello)
        return adminRefusal(error, u"Not a hello frame"_s);
    AdminHello hello;
    hello.server = json.value(AdminKey::Server).toString();
    hello.version = json.value(AdminKey::Version).toString();
    hello.epoch = json.value(AdminKey::Epoch).toVariant().toString();
    hello.heartbeatSeconds = json.value(AdminKey::HeartbeatSeconds).toDouble();
    hello.store = json.value(AdminKey::Store).toString();
    return hello;
}

QJsonObject AdminHello::toJson() const
{
    QJsonObject json;
    json.insert(AdminKey::Type, AdminType::Hello);
    json.insert(AdminKey::Server, server);
    json.insert(AdminKey::Version, version);
    json.insert(AdminKey::Epoch, epoch);
    json.insert(AdminKey::HeartbeatSeconds, heartbeatSeconds);
    json.insert(AdminKey::Store, store);
    return json;
}

} // namespace Herald
