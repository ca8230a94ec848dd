#include "apiservice.h"

#include "admin/adminfeed.h"
#include "jsontext.h"
#include "logging.h"
#include "logtext.h"
#include "metricsexporter.h"
#include "notification.h"
#include "pushrequest.h"
#include "serverstats.h"
#include "sessiondirectory.h"
#include "store/storefileguard.h"
#include "store/storeservice.h"
#include "workerpool.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {
using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponse::StatusCode;
} // namespace

ApiService::ApiService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
                       StoreService &store, ServerStats &stats, AdminFeed &feed)
    : m_config(config),
      m_guard(config.apiKey, config.maxBodyBytes()),
      m_directory(directory),
      m_pool(pool),
      m_store(store),
      m_stats(stats),
      m_feed(feed)
{ }

QHttpServerResponse ApiService::health(const QHttpServerRequest &request) const
{
    if (request.method() != Method::Get)
        return ApiGuard::errorResponse({405, u"method_not_allowed"_s, u"/healthz accepts GET"_s});
    const QJsonObject report
        = m_healthReport ? m_healthReport() : QJsonObject{{u"status"_s, u"ok"_s}};
    const bool ok = report.value(u"status"_s).toString() == u"ok"_s;
    return QHttpServerResponse(report, ok ? Status::Ok : Status::ServiceUnavailable);
}

QHttpServerResponse ApiService::metrics(const QHttpServerRequest &request) const
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return ApiGuard::errorResponse(*error);
    return QHttpServerResponse(MetricsExporter::ContentType,
                               MetricsExporter(m_stats, m_directory).render());
}

void ApiService::notify(const QHttpServerRequest &request, const Reply &reply)
{
    parseAndPush(request, int(PushRequest::Kind::Notify), reply);
}

void ApiService::broadcast(const QHttpServerRequest &request, const Reply &reply)
{
    parseAndPush(request, int(PushRequest::Kind::Broadcast), reply);
}

void ApiService::parseAndPush(const QHttpServerRequest &request, int kind, const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Post, true))
        return reply->send(ApiGuard::errorResponse(*error));
    PushRequest::Result parsed
        = PushRequest::parse(request.body(), PushRequest::Kind(kind), m_config.maxUsersPerPush);
    if (const auto *error = std::get_if<ApiError>(&parsed))
        return reply->send(ApiGuard::errorResponse(*error));
    auto &push = std::get<PushRequest>(parsed);
    const QString headerKey = QString::fromLatin1(request.value("Idempotency-Key"));
    if (!headerKey.isEmpty() && !push.idempotencyKey.isEmpty()
        && headerKey != push.idempotencyKey) {
        return reply->send(ApiGuard::errorResponse(ApiError::invalidField(
            u"idempotency_key"_s, u"differs from the Idempotency-Key header"_s)));
    }
    if (push.idempotencyKey.isEmpty())
        push.idempotencyKey = headerKey;
    if (!push.idempotencyKey.isEmpty() && !push.store) {
        return reply->send(ApiGuard::errorResponse(ApiError::invalidField(
            u"idempotency_key"_s, u"needs a stored push (\"store\": true)"_s)));
    }
    submit(push, [reply](const QHttpServerResponse &response) { reply->send(response); });
}

void ApiService::submit(const PushRequest &request, const Done &done)
{
    const QByteArray data = JsonText::serialize(request.data);
    if (data.size() > m_config.maxPayloadBytes) {
        return done(ApiGuard::errorResponse(
            {413, u"payload_too_large"_s,
             u"Field 'data' is %1 bytes of JSON; the limit is %2"_s.arg(data.size())
                 .arg(m_config.maxPayloadBytes)}));
    }
    const Notification notification{Notification::newId(), request.event, request.data,
                                    QDateTime::currentDateTimeUtc()};
    const QString frame = notification.toFrame();
    if (!request.store)
        return done(pushLive(request, notification.id, frame, data.size()));

    if (m_fileGuard && !m_fileGuard->intact()) {
        return done(
            ApiGuard::errorResponse({503, u"store_unavailable"_s,
                                     u"The store is unavailable: "_s + m_fileGuard->problem()}));
    }
    const bool broadcast = request.kind == PushRequest::Kind::Broadcast;
    const StoreService::Push push{
        notification.id, notification.event, data,      notification.timestamp,
        frame,           request.users,      broadcast, request.idempotencyKey};
    m_store.push(
        push, &m_callbacks,
        [this, done, request, id = notification.id, bytes = data.size()](const AppendResult &result,
                                                                         const QString &error) {
            if (!error.isEmpty()) {
                return done(
                    ApiGuard::errorResponse({503, u"store_unavailable"_s,
                                             u"The notification could not be stored: "_s + error}));
            }
            if (!result.replayed) {
                const QJsonObject answer = QJsonDocument::fromJson(result.response).object();
                accepted(request, id, bytes, qint64(answer.value(u"sessions"_s).toDouble()), true);
            }
            done(ApiGuard::json(result.response, Status::Accepted));
        });
}

// Counts, logs and reports a push that was accepted.
void ApiService::accepted(const PushRequest &request, const QString &id, qsizetype payloadBytes,
                          qint64 sessions, bool stored)
{
    const bool broadcast = request.kind == PushRequest::Kind::Broadcast;
    (broadcast ? m_stats.broadcasts : m_stats.notifications)
        .fetch_add(1, std::memory_order_relaxed);
    // Debug, not info: at thousands of pushes a second a line each would be the bottleneck.
    qCDebug(lcApi).noquote() << (broadcast ? "broadcast" : "notify") << id << "event"
                             << LogText::escaped(request.event) << "users" << request.users.size()
                             << "sessions" << sessions << (stored ? "stored" : "live");
    QJsonObject summary{{u"id"_s, id},
                        {u"event"_s, request.event},
                        {u"payload_bytes"_s, double(payloadBytes)},
                        {u"sessions"_s, double(sessions)},
                        {u"stored"_s, stored}};
    if (broadcast) {
        summary.insert(u"broadcast"_s, true);
    } else {
        summary.insert(u"users"_s, QJsonArray::fromStringList(request.users.mid(0, 100)));
        summary.insert(u"user_count"_s, double(request.users.size()));
    }
    m_feed.notification(summary);
}

QHttpServerResponse ApiService::pushLive(const PushRequest &request, const QString &id,
                                         const QString &frame, qsizetype payloadBytes)
{
    QJsonObject answer{{u"id"_s, id}, {u"stored"_s, false}};
    qint64 sessions = 0;
    if (request.kind == PushRequest::Kind::Broadcast) {
        sessions = m_directory.sessionCount();
        m_pool.broadcast(frame);
    } else {
        const SessionDirectory::Reach reach = m_directory.reach(request.users);
        m_pool.deliver(request.users, frame);
        sessions = reach.sessions;
        answer.insert(u"users_online"_s, double(reach.usersOnline));
    }
    answer.insert(u"sessions"_s, double(sessions));
    accepted(request, id, payloadBytes, sessions, false);
    return QHttpServerResponse(answer, Status::Accepted);
}

QHttpServerResponse ApiService::userSessions(const QString &userSegment,
                                             const QHttpServerRequest &request)
{
    if (auto error = m_guard.check(request, Method::Get | Method::Delete, false))
        return ApiGuard::errorResponse(*error);
    const QString user = ApiGuard::decoded(userSegment);
    const QList<SessionInfo> sessions = m_directory.sessionsOf(user);
    if (request.method() == Method::Delete) {
        m_pool.disconnectUser(user);
        qCInfo(lcApi).noquote() << "disconnect user" << LogText::escaped(user) << "sessions"
                                << sessions.size();
        return QHttpServerResponse(
            QJsonObject{{u"user"_s, user}, {u"disconnected"_s, double(sessions.size())}});
    }
    QJsonArray list;
    for (const SessionInfo &info : sessions)
        list.append(info.toJson());
    return QHttpServerResponse(QJsonObject{{u"user"_s, user}, {u"sessions"_s, list}});
}

QHttpServerResponse ApiService::sessions(const QHttpServerRequest &request) const
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return ApiGuard::errorResponse(*error);
    const auto limit = ApiGuard::queryNumber(request, u"limit"_s, 100, 1, 1000);
    if (!limit) {
        return ApiGuard::errorResponse(
            ApiError::invalidField(u"limit"_s, u"must be an integer 1-1000"_s));
    }
    const auto offset = ApiGuard::queryNumber(request, u"offset"_s, 0, 0, INT_MAX);
    if (!offset)
        return ApiGuard::errorResponse(
            ApiError::invalidField(u"offset"_s, u"must be an integer >= 0"_s));
    QJsonArray list;
    for (const SessionInfo &info : m_directory.page(*offset, *limit))
        list.append(info.toJson());
    return QHttpServerResponse(QJsonObject{{u"total"_s, double(m_directory.sessionCount())},
                                           {u"offset"_s, double(*offset)},
                                           {u"limit"_s, double(*limit)},
                                           {u"sessions"_s, list}});
}

QHttpServerResponse ApiService::session(const QString &sessionSegment,
                                        const QHttpServerRequest &request)
{
    if (auto error = m_guard.check(request, Method::Get | Method::Delete, false))
        return ApiGuard::errorResponse(*error);
    const QString id = ApiGuard::decoded(sessionSegment);
    const std::optional<SessionInfo> info = m_directory.session(id);
    if (!info)
        return ApiGuard::errorResponse({404, u"not_found"_s, u"No live session %1"_s.arg(id)});
    if (request.method() == Method::Get)
        return QHttpServerResponse(info->toJson());
    m_pool.disconnectSession(info->user, info->id);
    qCInfo(lcApi).noquote() << "disconnect session" << info->id << "user"
                            << LogText::escaped(info->user);
    return QHttpServerResponse(QJsonObject{{u"session"_s, info->id}, {u"disconnected"_s, 1}});
}

QHttpServerResponse ApiService::stats(const QHttpServerRequest &request) const
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return ApiGuard::errorResponse(*error);
    return QHttpServerResponse(m_stats.toJson(m_directory));
}

// The original design's GET /new/<user_id>: unauthenticated; any body becomes data.
void ApiService::legacyNew(const QString &userSegment, const QHttpServerRequest &request,
                           const Reply &reply)
{
    const QHttpServerRequest::Methods allowed = Method::Get | Method::Post;
    if (!allowed.testFlag(request.method())) {
        return reply->send(ApiGuard::errorResponse(
            {405, u"method_not_allowed"_s, u"/new/<user_id> accepts GET, POST"_s}));
    }
    if (auto refusal = ApiGuard::upgradeRefusal(request))
        return reply->send(ApiGuard::errorResponse(*refusal));
    PushRequest push;
    push.users = QStringList{ApiGuard::decoded(userSegment)};
    if (!request.body().isEmpty()) {
        push.data = JsonText::parse(request.body())
                        .value_or(QJsonValue(QString::fromUtf8(request.body())));
    }
    submit(push, [reply](const QHttpServerResponse &response) { reply->send(response); });
}

QHttpServerResponse ApiService::notFound(const QHttpServerRequest &request) const
{
    return ApiGuard::errorResponse(
        {404, u"not_found"_s, u"No route for %1"_s.arg(request.url().path())});
}

} // namespace Herald
