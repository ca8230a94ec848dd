#include "admincommandresult.h"

#include "adminkeys.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminCommandResult AdminCommandResult::success(const QJsonObject &result)
{
    AdminCommandResult answer;
    answer.ok = true;
    answer.result = result;
    return answer;
}

AdminCommandResult AdminCommandResult::failure(const QString &code, const QString &message)
{
    AdminCommandResult answer;
    answer.errorCode = code;
    answer.errorMessage = message;
    return answer;
}

std::optional<AdminCommandResult> AdminCommandResult::fromJson(const QJsonObject &json,
                                                               QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::Result)
        return adminRefusal(error, u"Not a result frame"_s);
    if (!json.contains(AdminKey::Id))
        return adminRefusal(error, u"A result frame needs an 'id'"_s);
    AdminCommandResult answer;
    answer.id = json.value(AdminKey::Id);
    answer.ok = json.value(AdminKey::Ok).toBool();
    answer.result = json.value(AdminKey::Result).toObject();
    const QJsonObject failure = json.value(AdminKey::Error).toObject();
    answer.errorCode = failure.value(AdminKey::Code).toString();
    answer.errorMessage = failure.value(AdminKey::Message).toString();
    return answer;
}

QJsonObject AdminCommandResult::toJson() const
{
    QJsonObject json;
    json.insert(AdminKey::Type, AdminType::Result);
    json.insert(AdminKey::Id, id);
    json.insert(AdminKey::Ok, ok);
    if (ok) {
        json.insert(AdminKey::Result, result);
    } else {
        QJsonObject failure;
        failure.insert(AdminKey::Code, errorCode);
        failure.insert(AdminKey::Message, errorMessage);
        json.insert(AdminKey::Error, failure);
    }
    return json;
}

} // namespace Herald
