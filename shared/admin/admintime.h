#pragma once

#include <QDateTime>
#include <QString>

namespace Herald {

/*!
 * How the admin channel writes times: RFC 3339 in UTC with milliseconds
 * ("2026-01-02T03:04:05.678Z").
 */
class AdminTime
{
public:
    //! An ISO 8601 time, converted to UTC; invalid when \a text is not one or
    //! lies outside the years 1-9999 in UTC, which ISO 8601 cannot write back.
    static QDateTime parse(const QString &text);
    //! \a time in UTC with milliseconds; empty when \a time is invalid.
    static QString format(const QDateTime &time);
};

} // namespace Herald
