#pragma once

#include "adminsessionrecord.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace Herald {

/*!
 * One frame of a snapshot sequence:
 * {"type":"snapshot","sessions":[session…],"total":N,"done":bool}.
 */
struct AdminSnapshotBatch
{
    QList<AdminSessionRecord> sessions;
    qint64 total = 0; //!< sessions in the whole sequence
    bool done = false; //!< the last frame of the sequence

    //! Returns nullopt and sets *\a error unless "type" is "snapshot". Session
    //! objects that do not decode are left out; missing fields read as 0/false.
    static std::optional<AdminSnapshotBatch> fromJson(const QJsonObject &json,
                                                      QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminSnapshotBatch &other) const = default;
};

} // namespace Herald
