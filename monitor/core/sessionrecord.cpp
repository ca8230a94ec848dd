#include "sessionrecord.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<SessionRecord> SessionRecord::fromJson(const QJsonObject &json)
{
    const QJsonValue id = json.value(u"id"_s);
    const QJsonValue user = json.value(u"user"_s);
    if (!id.isString() || !user.isString() || id.toString().isEmpty() || user.toString().isEmpty())
        return std::nullopt;
    SessionRecord record;
    record.id = id.toString();
    record.user = user.toString();
    record.remoteAddress = json.value(u"remote_address"_s).toString();
    record.userAgent = json.value(u"user_agent"_s).toString();
    record.connectedAt = SessionCounters::parseTime(json.value(u"connected_at"_s).toString());
    record.counters = SessionCounters::fromJson(json);
    return record;
}

QJsonObject SessionRecord::toJson() const
{
    QJsonObject json{{u"id"_s, id},
                     {u"user"_s, user},
                     {u"remote_address"_s, remoteAddress},
                     {u"user_agent"_s, userAgent},
                     {u"connected_at"_s, connectedAt.toUTC().toString(Qt::ISODateWithMs)}};
    counters.writeTo(json);
    return json;
}

} // namespace Herald
