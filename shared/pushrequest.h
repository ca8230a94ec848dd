#pragma once

#include "apierror.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <variant>

namespace Herald {

/*!
    A validated push: POST /api/v1/notify (targeted) or /api/v1/broadcast.
*/
struct PushRequest
{
    enum class Kind { Notify, Broadcast };

    Kind kind = Kind::Notify;
    QStringList users; //!< distinct, non-empty ids in request order; empty for broadcasts
    QString event; //!< empty when absent
    QJsonValue data; //!< Null when absent
    bool store = true; //!< "store": kept in the users' streams (default: notify yes, broadcast no)
    QString idempotencyKey; //!< "idempotency_key", empty when absent

    using Result = std::variant<PushRequest, ApiError>;

    /*!
        Parses a request body. Fails with invalid_json when \a body is not a JSON
        object, and with invalid_field naming the field when: "users" is missing,
        not an array, empty, longer than \a maxUsers, or holds anything but
        non-empty strings (at most 256 characters) and whole numbers; "event" is
        not a string of 1-128 characters from [A-Za-z0-9_.:-]; an unknown field is
        present (typos fail loudly instead of being ignored); "store" is not a
        boolean; "idempotency_key" is not a string of 1-255 printable ASCII
        characters. Broadcasts take no "users". Numeric user ids become their decimal strings;
       duplicates are dropped.
    */
    static Result parse(const QByteArray &body, Kind kind, int maxUsers = 10000);
    /*!
        The same rules for a body already parsed (the admin channel's test
        pushes): every failure but invalid_json.
    */
    static Result fromJson(const QJsonObject &object, Kind kind, int maxUsers = 10000);
};

} // namespace Herald
