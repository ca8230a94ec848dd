#pragma once

#include "sessioncounters.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace Herald {

// How a session's counters read in the sessions table. An unknown counter
// (a server that predates it) reads blank, never as 0 or "never".
class SessionFormat
{
    Q_DECLARE_TR_FUNCTIONS(SessionFormat)

public:
    // "just now", "12 s ago", "3 min ago", "2 h ago"; a date beyond a day.
    static QString age(const QDateTime &then, const QDateTime &now);

    static QString lastPong(const SessionCounters &counters, const QDateTime &now);
    static QString lastPongToolTip(const SessionCounters &counters, const QDateTime &now);
    static QString framesSentToolTip(const SessionCounters &counters);
};

} // namespace Herald
