#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Herald {

/*!
 * The server's word that it could not use a frame (not JSON, not a command):
 * {"type":"error","code","message"}.
 */
struct AdminError
{
    QString code;
    QString message;

    //! Returns nullopt and sets *\a error unless "type" is "error"; missing
    //! fields stay empty.
    static std::optional<AdminError> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminError &other) const = default;
};

} // namespace Herald
