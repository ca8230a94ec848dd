#include "pushservice.h"

#include "admin/adminfeed.h"
#include "jsontext.h"
#include "logging.h"
#include "logtext.h"
#include "notification.h"
#include "pushrequest.h"
#include "serverstats.h"
#include "store/storefileguard.h"
#include "store/storeservice.h"
#include "ws/sessiondirectory.h"
#include "ws/workerpool.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

PushService::PushService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
                         StoreService &store, ServerStats &stats, AdminFeed &feed)
    : m_maxPayloadBytes(config.maxPayloadBytes),
      m_broker(config.broker.has_value()),
      m_directory(directory),
      m_pool(pool),
      m_store(store),
      m_stats(stats),
      m_feed(feed)
{ }

void PushService::submit(const PushRequest &request, const Done &done)
{
    const QByteArray data = JsonText::serialize(request.data);
    if (data.size() > m_maxPayloadBytes) {
        return done(
            PushFailure{PushFailure::Reason::PayloadTooLarge,
                        u"Field 'data' is %1 bytes of JSON; the limit is %2"_s.arg(data.size())
                            .arg(m_maxPayloadBytes)});
    }
    const Notification notification{Notification::newId(), request.event, request.data,
                                    QDateTime::currentDateTimeUtc()};
    const QString frame = notification.toFrame();
    if (!request.store && m_broker)
        return publishLive(request, notification.id, frame, data.size(), done);
    if (!request.store) {
        const PushOutcome outcome = pushLive(request, notification.id, frame);
        accepted(request, outcome, data.size());
        return done(outcome);
    }
    if (m_fileGuard && !m_fileGuard->intact()) {
        return done(PushFailure{PushFailure::Reason::StoreUnavailable,
                                u"The store is unavailable: "_s + m_fileGuard->problem()});
    }
    const bool broadcast = request.kind == PushRequest::Kind::Broadcast;
    const StoreService::Push push{
        notification.id, notification.event, data,      notification.timestamp,
        frame,           request.users,      broadcast, request.idempotencyKey};
    m_store.push(
        push, &m_callbacks,
        [this, done, request, bytes = data.size()](const std::optional<PushOutcome> &outcome,
                                                   const QString &error, bool unconfirmed) {
            if (unconfirmed)
                return done(PushFailure{PushFailure::Reason::ReplicasUnavailable, error});
            if (!outcome && m_broker) {
                return done(PushFailure{PushFailure::Reason::BrokerUnavailable,
                                        u"The broker did not take the notification: "_s + error});
            }
            if (!outcome) {
                return done(PushFailure{PushFailure::Reason::StoreUnavailable,
                                        u"The notification could not be stored: "_s + error});
            }
            if (!outcome->replayed)
                accepted(request, *outcome, bytes);
            done(*outcome);
        });
}

PushOutcome PushService::pushLive(const PushRequest &request, const QString &id,
                                  const QString &frame)
{
    PushOutcome outcome;
    outcome.id = id;
    if (request.kind == PushRequest::Kind::Broadcast) {
        outcome.broadcast = true;
        outcome.sessions = m_directory.sessionCount();
        m_pool.broadcast(frame);
    } else {
        const SessionDirectory::Reach reach = m_directory.reach(request.users);
        m_pool.deliver(request.users, frame);
        outcome.sessions = reach.sessions;
        outcome.usersOnline = reach.usersOnline;
    }
    return outcome;
}

// With a broker a live push goes through Redis to every node, this one included; the
// outcome counts this node's sessions only.
void PushService::publishLive(const PushRequest &request, const QString &id, const QString &frame,
                              qsizetype payloadBytes, const Done &done)
{
    const bool broadcast = request.kind == PushRequest::Kind::Broadcast;
    m_store.publishLive(
        broadcast ? QStringList() : request.users, frame, &m_callbacks,
        [this, done, request, id, broadcast, payloadBytes](const QString &error) {
            if (!error.isEmpty()) {
                return done(PushFailure{PushFailure::Reason::BrokerUnavailable,
                                        u"The broker did not take the notification: "_s + error});
            }
            PushOutcome outcome;
            outcome.id = id;
            outcome.broadcast = broadcast;
            if (broadcast) {
                outcome.sessions = m_directory.sessionCount();
            } else {
                const SessionDirectory::Reach reach = m_directory.reach(request.users);
                outcome.sessions = reach.sessions;
                outcome.usersOnline = reach.usersOnline;
            }
            accepted(request, outcome, payloadBytes);
            done(outcome);
        });
}

// Counts, logs and reports a push that was accepted.
void PushService::accepted(const PushRequest &request, const PushOutcome &outcome,
                           qsizetype payloadBytes)
{
    const bool broadcast = request.kind == PushRequest::Kind::Broadcast;
    (broadcast ? m_stats.broadcasts : m_stats.notifications)
        .fetch_add(1, std::memory_order_relaxed);
    // Debug, not info: at thousands of pushes a second a line each would be the bottleneck.
    qCDebug(lcApi).noquote() << (broadcast ? "broadcast" : "notify") << outcome.id << "event"
                             << LogText::escaped(request.event) << "users" << request.users.size()
                             << "sessions" << outcome.sessions
                             << (outcome.stored ? "stored" : "live");
    m_feed.pushAccepted(request, outcome, payloadBytes);
}

} // namespace Herald
