#include "adminsnapshotbatch.h"

#include "adminkeys.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<AdminSnapshotBatch> AdminSnapshotBatch::fromJson(const QJsonObject &json,
                                                               QString *error)
{
    if (json.value(AdminKey::Type).toString() != AdminType::Snapshot)
        return adminRefusal(error, u"Not a snapshot frame"_s);
    AdminSnapshotBatch batch;
    for (const QJsonValue &value : json.value(AdminKey::Sessions).toArray()) {
        if (auto session = AdminSessionRecord::fromJson(value.toObject()))
            batch.sessions.append(std::move(*session));
    }
    batch.total = json.value(AdminKey::Total).toInteger();
    batch.done = json.value(AdminKey::Done).toBool();
    return batch;
}

QJsonObject AdminSnapshotBatch::toJson() const
{
    QJsonArray list;
    for (const AdminSessionRecord &session : sessions)
        list.append(session.toJson());
    QJsonObject json;
    json.insert(AdminKey::Type, AdminType::Snapshot);
    json.insert(AdminKey::Sessions, list);
    json.insert(AdminKey::Total, total);
    json.insert(AdminKey::Done, done);
    return json;
}

} // namespace Herald
