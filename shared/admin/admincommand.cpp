#include "admincommand.h"

#include "adminkeys.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminCommand> AdminCommand::fromJson(const QJsonObject &json, QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::Command)
        return adminRefusal(error, u"Expected a JSON object of type command"_s);
    AdminCommand command;
    command.id = json.value(AdminKey::Id);
    command.command = json.value(AdminKey::Command).toString();
    command.arguments = json;
    command.arguments.remove(AdminKey::Type);
    command.arguments.remove(AdminKey::Id);
    command.arguments.remove(AdminKey::Command);
    return command;
}

QJsonObject AdminCommand::toJson() const
{
    QJsonObject json = arguments;
    json.insert(AdminKey::Type, AdminType::Command);
    json.insert(AdminKey::Id, id);
    json.insert(AdminKey::Command, command);
    return json;
}

} // namespace Herald
