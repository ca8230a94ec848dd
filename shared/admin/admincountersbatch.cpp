#include "admincountersbatch.h"

#include "adminkeys.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminCountersBatch> AdminCountersBatch::fromJson(const QJsonObject &json,
                                                               QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::SessionCounters)
        return adminRefusal(error, u"Not a session_counters frame"_s);
    AdminCountersBatch batch;
    for (const QJsonValue &value : json.value(AdminKey::Sessions).toArray()) {
        const QJsonObject entry = value.toObject();
        const QString id = entry.value(AdminKey::Id).toString();
        if (!id.isEmpty())
            batch.sessions.append({id, AdminSessionCounters::readFrom(entry)});
    }
    return batch;
}

QJsonObject AdminCountersBatch::toJson() const
{
    QJsonArray list;
    for (const Entry &entry : sessions) {
        QJsonObject item;
        item.insert(AdminKey::Id, entry.id);
        entry.counters.writeTo(item);
        list.append(item);
    }
    QJsonObject json;
    json.insert(AdminKey::Type, AdminType::SessionCounters);
    json.insert(AdminKey::Sessions, list);
    return json;
}

} // namespace Herald
