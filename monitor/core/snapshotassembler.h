#pragma once

#include "admin/adminevent.h"
#include "admin/adminsessionrecord.h"

#include <QHash>
#include <QList>

namespace Herald {

// Collects the batches of one snapshot sequence (after "hello" or "resync")
// and holds back the live events and session counters that arrive meanwhile,
// so that the snapshot can replace the model's rows in one go and the events,
// then the counters, apply on top.
class SnapshotAssembler
{
public:
    void begin(); // a new sequence: whatever was collected is dropped
    bool isAssembling() const { return m_assembling; }

    // Adds one batch; a session sent twice keeps its last copy. Returns true
    // when \a done closes the sequence: then take the sessions and events.
    bool addBatch(const QList<AdminSessionRecord> &sessions, bool done);
    void holdEvents(const QList<AdminEvent> &events);
    // Counters held for the same session merge (AdminSessionCounters::newest).
    void holdCounters(const QHash<QString, AdminSessionCounters> &counters);

    QList<AdminSessionRecord> takeSessions();
    QList<AdminEvent> takeHeldEvents();
    QHash<QString, AdminSessionCounters> takeHeldCounters();

private:
    bool m_assembling = false;
    QList<AdminSessionRecord> m_sessions;
    QHash<QString, qsizetype> m_index;
    QList<AdminEvent> m_held;
    QHash<QString, AdminSessionCounters> m_heldCounters;
};

} // namespace Herald
