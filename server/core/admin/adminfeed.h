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
class AdminFeed
{
public:
    static constexpr qsizetype MaxQueued = 10000; // beyond this, events are counted, not kept

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled.load(std::memory_order_relaxed); }

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

    std::atomic<bool> m_enabled{false};
    QMutex m_mutex;
    QList<AdminEvent> m_events;
    qsizetype m_dropped = 0;
};

} // namespace Herald
