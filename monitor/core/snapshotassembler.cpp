#include "snapshotassembler.h"

namespace Herald {

void SnapshotAssembler::begin()
{
    m_assembling = true;
    m_sessions.clear();
    m_index.clear();
    m_held.clear();
    m_heldCounters.clear();
}

bool SnapshotAssembler::addBatch(const QList<AdminSessionRecord> &sessions, bool done)
{
    for (const AdminSessionRecord &session : sessions) {
        const auto found = m_index.constFind(session.id);
        if (found != m_index.constEnd()) {
            m_sessions[*found] = session;
            continue;
        }
        m_index.insert(session.id, m_sessions.size());
        m_sessions.append(session);
    }
    if (done)
        m_assembling = false;
    return done;
}

void SnapshotAssembler::holdEvents(const QList<AdminEvent> &events)
{
    m_held.append(events);
}

void SnapshotAssembler::holdCounters(const QHash<QString, AdminSessionCounters> &counters)
{
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        AdminSessionCounters &held = m_heldCounters[it.key()];
        held = held.newest(*it);
    }
}

QList<AdminSessionRecord> SnapshotAssembler::takeSessions()
{
    m_index.clear();
    return std::exchange(m_sessions, {});
}

QList<AdminEvent> SnapshotAssembler::takeHeldEvents()
{
    return std::exchange(m_held, {});
}

QHash<QString, AdminSessionCounters> SnapshotAssembler::takeHeldCounters()
{
    return std::exchange(m_heldCounters, {});
}

} // namespace Herald
