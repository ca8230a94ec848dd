#pragma once

#include "adminevent.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace Herald {

/*!
 * Live changes, coalesced: {"type":"events","events":[event…]}.
 */
struct AdminEventBatch
{
    QList<AdminEvent> events;

    //! Returns nullopt and sets *\a error unless "type" is "events". Events that
    //! do not decode (unknown types from newer servers) are left out.
    static std::optional<AdminEventBatch> fromJson(const QJsonObject &json,
                                                   QString *error = nullptr);
    QJsonObject toJson() const;

    bool operator==(const AdminEventBatch &other) const = default;
};

} // namespace Herald
