#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace Herald {

/*!
 * A client's command: {"type":"command","id":<scalar>,"command":<name>,...}.
 * The arguments are the frame's other fields.
 */
struct AdminCommand
{
    QJsonValue id; //!< chosen by the client, echoed in the result
    QString command; //!< "notify", "broadcast", "disconnect_session", …
    QJsonObject arguments;

    //! Returns nullopt and sets *\a error unless "type" is "command". A missing
    //! or non-string "command" reads as empty: the server answers it with
    //! unknown_command, which needs the id.
    static std::optional<AdminCommand> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminCommand &other) const = default;
};

} // namespace Herald
