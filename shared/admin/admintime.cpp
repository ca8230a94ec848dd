#include "admintime.h"

namespace Herald {

QDateTime AdminTime::parse(const QString &text)
{
    const QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
    // "9999-12-31T23:00:00-05:00" parses, but is in the year 10000 in UTC.
    if (!at.isValid() || at.date().year() < 1 || at.date().year() > 9999)
        return QDateTime();
    return at;
}

QString AdminTime::format(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace Herald
