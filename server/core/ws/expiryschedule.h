#pragma once

#include <QList>
#include <QtGlobal>

#include <optional>
#include <set>
#include <utility>

namespace Herald {

class Session;

// The sessions of one worker in the order their tokens expire (enforce_token_expiry), so
// that one timer per worker, waiting for the earliest, closes each at its moment: adding
// and removing cost log n, and nothing walks the sessions that are not due.
class ExpirySchedule
{
public:
    void add(qint64 atMs, Session *session);
    // Does nothing when the session is not (or no longer) scheduled at atMs.
    void remove(qint64 atMs, Session *session);
    // The sessions due at nowMs (time at or before it), earliest first; they leave the schedule.
    QList<Session *> takeDue(qint64 nowMs);
    // The earliest time in the schedule; nullopt when it is empty.
    std::optional<qint64> next() const;
    qsizetype size() const { return qsizetype(m_entries.size()); }

private:
    std::set<std::pair<qint64, Session *>> m_entries;
};

} // namespace Herald
