#pragma once

#include "sessionrecord.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace Herald {

// One entry of an admin "events" frame: a session opened or closed, a
// notification pushed, or the server's notice that it dropped events.
struct AdminEvent
{
    enum class Kind { SessionOpened, SessionClosed, Notification, Overflow };

    Kind kind = Kind::SessionOpened;
    SessionRecord session; // SessionOpened, SessionClosed
    int closeCode = 0; // SessionClosed
    QString closeReason;

    QString notificationId; // Notification
    QString eventName;
    QStringList users; // the first 100 ids; userCount has the total
    int userCount = 0;
    bool broadcast = false;
    qint64 payloadBytes = 0;
    int sessionsReached = 0;
    bool stored = false;

    qint64 dropped = 0; // Overflow

    // nullopt for an unknown "type" (newer servers may add some) and for a
    // session event without a usable session object.
    static std::optional<AdminEvent> fromJson(const QJsonObject &json);
    static AdminEvent opened(const SessionRecord &session);
    static AdminEvent closed(const SessionRecord &session, int code = 1000);
};

} // namespace Herald
