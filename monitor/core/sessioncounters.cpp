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
        const QDateTime at = QDateTime::fromString(pong.toString(), Qt::ISODateWithMs);
        if (at.isValid())
            counters.lastPongAt = at.toUTC();
    }
    return counters;
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
