#pragma once

#include "adminsessioncounters.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Herald {

/*!
 * The counters of the sessions whose figures changed since the previous frame:
 * {"type":"session_counters","sessions":[{"id","frames_sent","last_pong_at"}…]}.
 */
struct AdminCountersBatch
{
    struct Entry
    {
        QString id;
        AdminSessionCounters counters;
        bool operator==(const Entry &other) const = default;
    };
    QList<Entry> sessions;

    //! Returns nullopt and sets *\a error unless "type" is "session_counters".
    //! Entries without a non-empty string "id" are left out; their counters
    //! read as AdminSessionCounters::readFrom() does.
    static std::optional<AdminCountersBatch> fromJson(const QJsonObject &json,
                                                      QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminCountersBatch &other) const = default;
};

} // namespace Herald
