#pragma once

#include "admin/adminevent.h"
#include "ws/sessioninfo.h"

#include <QList>
#include <QMutex>

#include <atomic>

namespace Herald {

struct PushOutcome;
struct PushRequest;

// What happened since the admin channel last looked: sessions opened and
// closed (in the worker threads) and pushes accepted (in the API thread).
// Thread-safe; costs one relaxed load per event while no admin is connected.
// Alone, a node's AdminHub turns it on while it has clients; in a cluster the
// AdminAnnouncer keeps session events on (every node's monitor needs them) and
// adds pushes while some node has an admin client.
class AdminFeed
{
public:
    static constexpr qsizetype MaxQueued = 10000; // beyond this, events are counted, not kept

    enum class Scope { Off, Sessions, All };
    void setScope(Scope scope); // Off also drops what is queued
    void setEnabled(bool enabled) { setScope(enabled ? Scope::All : Scope::Off); }
    bool isEnabled() const { return scope() != Scope::Off; }
    Scope scope() const { return m_scope.load(std::memory_order_relaxed); }

    void sessionOpened(const SessionInfo &session);
    void sessionClosed(const SessionInfo &session, int code, const QString &reason);
    // An accepted push, as a "notification" event (at most 100 of its users named).
    void pushAccepted(const PushRequest &request, const PushOutcome &outcome,
                      qsizetype payloadBytes);

    struct Batch
    {
        QList<AdminEvent> events;
        qsizetype dropped = 0;
    };
    Batch take();

private:
    void append(AdminEvent event);

    std::atomic<Scope> m_scope{Scope::Off};
    QMutex m_mutex;
    QList<AdminEvent> m_events;
    qsizetype m_dropped = 0;
};

} // namespace Herald
