#pragma once

#include <QString>

namespace Herald::Frames {

/*!
    The server's first frame on a new session:
    {"type":"welcome","session":...,"user":...,"heartbeat_s":...}.
    heartbeat_s is a whole number unless the interval is sub-second.
*/
QString welcome(const QString &sessionId, const QString &user, int heartbeatMs);

} // namespace Herald::Frames
