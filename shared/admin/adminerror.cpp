#include "adminerror.h"

#include "adminkeys.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminError> AdminError::fromJson(const QJsonObject &json, QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::Error)
        return adminRefusal(error, u"Not an error frame"_s);
    return AdminError{json.value(AdminKey::Code).toString(),
                      json.value(AdminKey::Message).toString()};
}

QJsonObject AdminError::toJson() const
{
    QJsonObject json;
    json.insert(AdminKey::Type, AdminType::Error);
    json.insert(AdminKey::Code, code);
    json.insert(AdminKey::Message, message);
    return json;
}

} // namespace Herald
