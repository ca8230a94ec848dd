#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Herald {

/*!
 * The answer to one command: {"type":"result","id","ok":true,"result":{…}} or
 * {"type":"result","id","ok":false,"error":{"code","message"}}.
 */
struct AdminCommandResult
{
    QJsonValue id; //!< the command's id
    bool ok = false;
    QJsonObject result; //!< when ok
    QString errorCode; //!< when not ok
    QString errorMessage;

    static AdminCommandResult success(const QJsonObject &result);
    static AdminCommandResult failure(const QString &code, const QString &message);

    //! Returns nullopt and sets *\a error unless "type" is "result" and there
    //! is an "id". A missing "ok" reads as false, a missing result or error as
    //! empty.
    static std::optional<AdminCommandResult> fromJson(const QJsonObject &json,
                                                      QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminCommandResult &other) const = default;
};

} // namespace Herald
