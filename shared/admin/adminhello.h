#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Herald {

/*!
 * The admin channel's first frame, who is on the other end:
 * {"type":"hello","server","version","epoch","heartbeat_s","store"}.
 */
struct AdminHello
{
    QString server; //!< "herald-server"
    QString version;
    QString epoch; //!< opaque; changes when the server's store is recreated
    double heartbeatSeconds = 0;
    QString store; //!< "sqlite" or "memory"

    //! Returns nullopt and sets *\a error unless "type" is "hello"; missing
    //! fields stay empty. The epoch may come as a string or a number.
    static std::optional<AdminHello> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminHello &other) const = default;
};

} // namespace Herald
