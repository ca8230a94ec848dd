#include "adminsessioncounters.h"

#include "adminkeys.h"
#include "admintime.h"

namespace Herald {

AdminSessionCounters AdminSessionCounters::readFrom(const QJsonObject &json)
{
    AdminSessionCounters counters;
    const QJsonValue frames = json.value(AdminKey::FramesSent);
    if (frames.isDouble() && frames.toDouble() >= 0)
        counters.framesSent = frames.toInteger();
    const QJsonValue pong = json.value(AdminKey::LastPongAt);
    if (pong.isNull()) {
        counters.lastPongAt = QDateTime();
    } else if (pong.isString()) {
        if (const QDateTime at = AdminTime::parse(pong.toString()); at.isValid())
            counters.lastPongAt = at;
    }
    return counters;
}

void AdminSessionCounters::writeTo(QJsonObject &json) const
{
    if (framesSent)
        json.insert(AdminKey::FramesSent, *framesSent);
    if (lastPongAt) {
        json.insert(AdminKey::LastPongAt,
                    lastPongAt->isValid() ? QJsonValue(AdminTime::format(*lastPongAt))
                                          : QJsonValue(QJsonValue::Null));
    }
}

AdminSessionCounters AdminSessionCounters::newest(const AdminSessionCounters &other) const
{
    AdminSessionCounters result = *this;
    if (other.framesSent && (!framesSent || *other.framesSent > *framesSent))
        result.framesSent = other.framesSent;
    // An invalid (no pong yet) time is earlier than any pong.
    if (other.lastPongAt && (!lastPongAt || *other.lastPongAt > *lastPongAt))
        result.lastPongAt = other.lastPongAt;
    return result;
}

} // namespace Herald
