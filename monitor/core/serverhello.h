#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Herald {

// The admin channel's first frame: who is on the other end.
struct ServerHello
{
    QString server;
    QString version;
    QString epoch; // changes when the server's store is recreated
    int heartbeatSeconds = 0;
    QString store; // "sqlite" or "memory"

    // nullopt unless "type" is "hello"; missing fields stay empty.
    static std::optional<ServerHello> fromJson(const QJsonObject &json);
};

} // namespace Herald
