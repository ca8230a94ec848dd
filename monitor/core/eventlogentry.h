#pragma once

#include "admin/adminevent.h"

#include <QDateTime>
#include <QStringList>

namespace Herald {

// One line of the event log: something the server reported, or a notice from
// the console itself (connected, connection lost, a command's answer).
struct EventLogEntry
{
    enum class Kind { Connect, Disconnect, Push, Broadcast, Overflow, Notice };

    QDateTime time;
    Kind kind = Kind::Notice;
    QStringList users; // who it concerns; empty for broadcasts and notices
    int moreUsers = 0; // users the server did not list (user_count above 100)
    QString sessionId;
    QString details;

    static EventLogEntry fromEvent(const AdminEvent &event, const QDateTime &time);
    static EventLogEntry notice(const QString &text, const QDateTime &time);
    static QString kindName(Kind kind);
    // "alice, bob +98 more": the users column.
    QString usersText() const;
};

} // namespace Herald
