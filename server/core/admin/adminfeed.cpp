#include "adminfeed.h"

#include "push/pushoutcome.h"
#include "pushrequest.h"

namespace Herald {

void AdminFeed::setScope(Scope scope)
{
    m_scope.store(scope, std::memory_order_relaxed);
    if (scope == Scope::Off)
        take();
}

void AdminFeed::sessionOpened(const SessionInfo &session)
{
    if (isEnabled())
        append(AdminEvent::opened(session.record()));
}

void AdminFeed::sessionClosed(const SessionInfo &session, int code, const QString &reason)
{
    if (isEnabled())
        append(AdminEvent::closed(session.record(), code, reason));
}

void AdminFeed::pushAccepted(const PushRequest &request, const PushOutcome &outcome,
                             qsizetype payloadBytes)
{
    if (scope() != Scope::All)
        return;
    AdminEvent event;
    event.kind = AdminEvent::Kind::Notification;
    event.notificationId = outcome.id;
    event.eventName = request.event;
    event.broadcast = outcome.broadcast;
    if (!outcome.broadcast) {
        event.users = request.users.mid(0, 100);
        event.userCount = int(request.users.size());
    }
    event.payloadBytes = payloadBytes;
    event.sessionsReached = int(outcome.sessions);
    event.stored = outcome.stored;
    append(std::move(event));
}

void AdminFeed::append(AdminEvent event)
{
    QMutexLocker locker(&m_mutex);
    if (m_events.size() >= MaxQueued) {
        ++m_dropped;
        return;
    }
    m_events.append(std::move(event));
}

AdminFeed::Batch AdminFeed::take()
{
    QMutexLocker locker(&m_mutex);
    Batch batch{std::exchange(m_events, {}), std::exchange(m_dropped, 0)};
    return batch;
}

} // namespace Herald
