#include "adminfeed.h"

using namespace Qt::Literals::StringLiterals;

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
        append({{u"type"_s, u"session_opened"_s}, {u"session"_s, session.toJson()}});
}

void AdminFeed::sessionClosed(const SessionInfo &session, int code, const QString &reason)
{
    if (isEnabled()) {
        append({{u"type"_s, u"session_closed"_s},
                {u"session"_s, session.toJson()},
                {u"code"_s, code},
                {u"reason"_s, reason}});
    }
}

void AdminFeed::notification(const QJsonObject &summary)
{
    if (!isEnabled())
        return;
    QJsonObject event = summary;
    event.insert(u"type"_s, u"notification"_s);
    append(event);
}

void AdminFeed::append(QJsonObject event)
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
