#pragma once

#include "sessioncounters.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Herald {

// One live browser session as the admin channel describes it:
// {"id","user","remote_address","user_agent","connected_at","frames_sent","last_pong_at"}.
struct SessionRecord
{
    QString id;
    QString user;
    QString remoteAddress;
    QString userAgent;
    QDateTime connectedAt; // UTC; invalid when the server sent none
    SessionCounters counters{}; // unknown when the server predates them

    // nullopt when "id" or "user" is missing, empty or not a string; the other
    // fields are optional and default to empty (the counters: to unknown).
    static std::optional<SessionRecord> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    bool operator==(const SessionRecord &other) const = default;
};

} // namespace Herald
