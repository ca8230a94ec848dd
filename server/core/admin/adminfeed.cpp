#include "adminfeed.h"

#include "admin/adminkeys.h"

namespace Herald {

void AdminFeed::setEnabled(bool enabled)
{
    m_enabled.store(enabled, std::memory_order_relaxed);
    if (!enabled)
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

void AdminFeed::notification(const QJsonObject &summary)
{
    if (!isEnabled())
        return;
    QJsonObject event = summary;
    event.insert(AdminKey::Type, AdminType::Notification);
    if (std::optional<AdminEvent> decoded = AdminEvent::fromJson(event))
        append(std::move(*decoded));
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
