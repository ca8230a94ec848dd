#pragma once

#include "admin/adminsessioncounters.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace Herald {

// How a session's counters read in the sessions table, and the durations the
// traffic pane and the nodes table share. An unknown counter (a server that
// predates it) reads blank, never as 0 or "never".
class SessionFormat
{
    Q_DECLARE_TR_FUNCTIONS(SessionFormat)

public:
    // "just now", "12 s ago", "3 min ago", "2 h ago"; a date beyond a day.
    static QString age(const QDateTime &then, const QDateTime &now);

    // "12m 5s" below an hour, "3h 20m" beyond.
    static QString duration(qint64 seconds);

    static QString lastPong(const AdminSessionCounters &counters, const QDateTime &now);
    static QString lastPongToolTip(const AdminSessionCounters &counters, const QDateTime &now);
    static QString framesSentToolTip(const AdminSessionCounters &counters);
};

} // namespace Herald
