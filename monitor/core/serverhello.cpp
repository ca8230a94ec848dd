#include "serverhello.h"

#include <QVariant>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<ServerHello> ServerHello::fromJson(const QJsonObject &json)
{
    if (json.value(u"type"_s).toString() != u"hello"_s)
        return std::nullopt;
    ServerHello hello;
    hello.server = json.value(u"server"_s).toString();
    hello.version = json.value(u"version"_s).toString();
    // The epoch is opaque: a string or a number depending on the store.
    hello.epoch = json.value(u"epoch"_s).toVariant().toString();
    hello.heartbeatSeconds = json.value(u"heartbeat_s"_s).toInt();
    hello.store = json.value(u"store"_s).toString();
    return hello;
}

} // namespace Herald
