#include "admineventbatch.h"

#include "adminkeys.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminEventBatch> AdminEventBatch::fromJson(const QJsonObject &json, QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::Events)
        return adminRefusal(error, u"Not an events frame"_s);
    AdminEventBatch batch;
    for (const QJsonValue &value : json.value(AdminKey::Events).toArray()) {
        if (auto event = AdminEvent::fromJson(value.toObject()))
            batch.events.append(std::move(*event));
    }
    return batch;
}

QJsonObject AdminEventBatch::toJson() const
{
    QJsonArray list;
    for (const AdminEvent &event : events)
        list.append(event.toJson());
    QJsonObject json;
    json.insert(AdminKey::Type, AdminType::Events);
    json.insert(AdminKey::Events, list);
    return json;
}

} // namespace Herald
