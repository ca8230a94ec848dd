#pragma once

#include "adminsessioncounters.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace Herald {

/*!
 * One live browser session, as the admin channel and the push API's presence
 * routes describe it: {"id","user","remote_address","user_agent",
 * "connected_at","frames_sent","last_pong_at","node"}. "node" (the cluster node
 * holding the session) is sent only when known.
 */
struct AdminSessionRecord
{
    QString id;
    QString user;
    QString remoteAddress;
    QString userAgent;
    QDateTime connectedAt; //!< UTC; invalid when the server sent none
    AdminSessionCounters counters{}; //!< unknown when the server predates them
    QString node{}; //!< the cluster node holding it; empty when the server sent none

    //! Returns nullopt and sets *\a error when "id" or "user" is missing, empty
    //! or not a string; the other fields are optional and default to empty
    //! (the counters: to unknown).
    static std::optional<AdminSessionRecord> fromJson(const QJsonObject &json,
                                                      QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminSessionRecord &other) const = default;
};

} // namespace Herald
