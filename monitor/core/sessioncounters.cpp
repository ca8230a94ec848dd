#include "sessioncounters.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

SessionCounters SessionCounters::fromJson(const QJsonObject &json)
{
    SessionCounters counters;
    const QJsonValue frames = json.value(u"frames_sent"_s);
    if (frames.isDouble() && frames.toDouble() >= 0)
        counters.framesSent = frames.toInteger();
    const QJsonValue pong = json.value(u"last_pong_at"_s);
    if (pong.isNull()) {
        counters.lastPongAt = QDateTime();
    } else if (pong.isString()) {
        if (const QDateTime at = parseTime(pong.toString()); at.isValid())
            counters.lastPongAt = at;
    }
    return counters;
}

QDateTime SessionCounters::parseTime(const QString &text)
{
    const QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
    // "9999-12-31T23:00:00-05:00" parses, but is in the year 10000 in UTC.
    if (!at.isValid() || at.date().year() < 1 || at.date().year() > 9999)
        return QDateTime();
    return at;
}

void SessionCounters::writeTo(QJsonObject &json) const
{
    if (framesSent)
        json.insert(u"frames_sent"_s, *framesSent);
    if (lastPongAt) {
        json.insert(u"last_pong_at"_s,
                    lastPongAt->isValid()
                        ? QJsonValue(lastPongAt->toUTC().toString(Qt::ISODateWithMs))
                        : QJsonValue(QJsonValue::Null));
    }
}

SessionCounters SessionCounters::newest(const SessionCounters &other) const
{
    SessionCounters result = *this;
    if (other.framesSent && (!framesSent || *other.framesSent > *framesSent))
        result.framesSent = other.framesSent;
    // An invalid (no pong yet) time is earlier than any pong.
    if (other.lastPongAt && (!lastPongAt || *other.lastPongAt > *lastPongAt))
        result.lastPongAt = other.lastPongAt;
    return result;
}

} // namespace Herald
