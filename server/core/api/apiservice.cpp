#include "api/apiservice.h"

#include "api/metricsexporter.h"
#include "cluster/clusterpresence.h"
#include "jsontext.h"
#include "logging.h"
#include "logtext.h"
#include "push/pushservice.h"
#include "pushrequest.h"
#include "serverstats.h"
#include "ws/sessiondirectory.h"
#include "ws/workerpool.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {
using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponse::StatusCode;
} // namespace

ApiService::ApiService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
                       PushService &pushes, ServerStats &stats)
    : m_config(config),
      m_guard(config.apiKey, config.maxBodyBytes()),
      m_directory(directory),
      m_pool(pool),
      m_pushes(pushes),
      m_stats(stats)
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
    submit(push, reply);
}

void ApiService::submit(const PushRequest &request, const Reply &reply)
{
    if (m_refusingPushes) {
        return reply->send(ApiGuard::errorResponse(
            {503, u"shutting_down"_s,
             u"The server is shutting down; push again once it is back (or to another one)"_s}));
    }
    m_pushes.submit(request, [reply](const PushResult &result) {
        if (const auto *outcome = std::get_if<PushOutcome>(&result))
            return reply->send(ApiGuard::json(outcome->toBytes(), Status::Accepted));
        const auto &failure = std::get<PushFailure>(result);
        const int status = failure.reason == PushFailure::Reason::PayloadTooLarge ? 413 : 503;
        reply->send(ApiGuard::errorResponse({status, failure.code(), failure.message}));
    });
}

void ApiService::userSessions(const QString &userSegment, const QHttpServerRequest &request,
                              const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Get | Method::Delete, false))
        return reply->send(ApiGuard::errorResponse(*error));
    const QString user = ApiGuard::decoded(userSegment);
    const bool kick = request.method() == Method::Delete;
    if (m_presence)
        return clusterUserSessions(user, kick, reply);
    const QList<SessionInfo> sessions = m_directory.sessionsOf(user);
    if (kick) {
        m_pool.disconnectUser(user);
        qCInfo(lcApi).noquote() << "disconnect user" << LogText::escaped(user) << "sessions"
                                << sessions.size();
        return reply->send(QHttpServerResponse(
            QJsonObject{{u"user"_s, user}, {u"disconnected"_s, double(sessions.size())}}));
    }
    QJsonArray list;
    for (const SessionInfo &info : sessions)
        list.append(info.toJson());
    reply->send(QHttpServerResponse(QJsonObject{{u"user"_s, user}, {u"sessions"_s, list}}));
}

void ApiService::clusterUserSessions(const QString &user, bool kick, const Reply &reply)
{
    if (kick) {
        return m_presence->kickUser(user, &m_callbacks, [reply, user](std::optional<qsizetype> n) {
            if (!n)
                return reply->send(unavailable());
            qCInfo(lcApi).noquote()
                << "disconnect user" << LogText::escaped(user) << "sessions on all nodes" << *n;
            reply->send(QHttpServerResponse(
                QJsonObject{{u"user"_s, user}, {u"disconnected"_s, double(*n)}}));
        });
    }
    m_presence->snapshot(&m_callbacks, [reply, user](std::optional<ClusterSnapshot> snapshot) {
        if (!snapshot)
            return reply->send(unavailable());
        QJsonArray list;
        for (const AdminSessionRecord &record : snapshot->sessionsOf(user))
            list.append(record.toJson());
        reply->send(QHttpServerResponse(QJsonObject{{u"user"_s, user}, {u"sessions"_s, list}}));
    });
}

void ApiService::sessions(const QHttpServerRequest &request, const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return reply->send(ApiGuard::errorResponse(*error));
    const auto limit = ApiGuard::queryNumber(request, u"limit"_s, 100, 1, 1000);
    if (!limit) {
        return reply->send(ApiGuard::errorResponse(
            ApiError::invalidField(u"limit"_s, u"must be an integer 1-1000"_s)));
    }
    const auto offset = ApiGuard::queryNumber(request, u"offset"_s, 0, 0, INT_MAX);
    if (!offset) {
        return reply->send(ApiGuard::errorResponse(
            ApiError::invalidField(u"offset"_s, u"must be an integer >= 0"_s)));
    }
    if (m_presence)
        return clusterSessions(*offset, *limit, reply);
    QList<AdminSessionRecord> page;
    for (const SessionInfo &info : m_directory.page(*offset, *limit))
        page.append(info.record());
    reply->send(sessionsPage(page, m_directory.sessionCount(), *offset, *limit));
}

void ApiService::clusterSessions(qsizetype offset, qsizetype limit, const Reply &reply)
{
    m_presence->snapshot(&m_callbacks, [=](std::optional<ClusterSnapshot> snapshot) {
        if (!snapshot)
            return reply->send(unavailable());
        const QList<AdminSessionRecord> all = snapshot->sessions();
        reply->send(sessionsPage(all.mid(offset, limit), all.size(), offset, limit));
    });
}

QHttpServerResponse ApiService::sessionsPage(const QList<AdminSessionRecord> &page, qsizetype total,
                                             qsizetype offset, qsizetype limit)
{
    QJsonArray list;
    for (const AdminSessionRecord &record : page)
        list.append(record.toJson());
    return QHttpServerResponse(QJsonObject{{u"total"_s, double(total)},
                                           {u"offset"_s, double(offset)},
                                           {u"limit"_s, double(limit)},
                                           {u"sessions"_s, list}});
}

void ApiService::session(const QString &sessionSegment, const QHttpServerRequest &request,
                         const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Get | Method::Delete, false))
        return reply->send(ApiGuard::errorResponse(*error));
    const QString id = ApiGuard::decoded(sessionSegment);
    if (m_presence)
        return clusterSession(id, request.method() == Method::Delete, reply);
    const std::optional<SessionInfo> info = m_directory.session(id);
    if (!info)
        return reply->send(ApiGuard::errorResponse(notFound(id)));
    if (request.method() == Method::Get)
        return reply->send(QHttpServerResponse(info->toJson()));
    m_pool.disconnectSession(info->user, info->id);
    qCInfo(lcApi).noquote() << "disconnect session" << info->id << "user"
                            << LogText::escaped(info->user);
    reply->send(QHttpServerResponse(QJsonObject{{u"session"_s, info->id}, {u"disconnected"_s, 1}}));
}

void ApiService::clusterSession(const QString &id, bool kick, const Reply &reply)
{
    if (!kick) {
        return m_presence->snapshot(&m_callbacks, [reply, id](std::optional<ClusterSnapshot> s) {
            if (!s)
                return reply->send(unavailable());
            const std::optional<AdminSessionRecord> record = s->session(id);
            reply->send(record ? QHttpServerResponse(record->toJson())
                               : ApiGuard::errorResponse(notFound(id)));
        });
    }
    using Outcome = ClusterPresence::Outcome;
    m_presence->kickSession(
        id, &m_callbacks, [reply, id](Outcome outcome, const AdminSessionRecord &record) {
            if (outcome == Outcome::Unavailable)
                return reply->send(unavailable());
            if (outcome == Outcome::NotFound)
                return reply->send(ApiGuard::errorResponse(notFound(id)));
            qCInfo(lcApi).noquote() << "disconnect session" << id << "user"
                                    << LogText::escaped(record.user) << "on node" << record.node;
            reply->send(QHttpServerResponse(
                QJsonObject{{u"session"_s, id}, {u"disconnected"_s, 1}, {u"node"_s, record.node}}));
        });
}

void ApiService::stats(const QHttpServerRequest &request, const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return reply->send(ApiGuard::errorResponse(*error));
    const QJsonObject local = m_stats.toJson(m_directory);
    if (!m_presence)
        return reply->send(QHttpServerResponse(local));
    const QString self = m_presence->node();
    m_presence->snapshot(&m_callbacks, [reply, local, self](std::optional<ClusterSnapshot> s) {
        reply->send(s ? QHttpServerResponse(s->stats(local, self)) : unavailable());
    });
}

ApiError ApiService::notFound(const QString &sessionId)
{
    return {404, u"not_found"_s, u"No live session %1"_s.arg(sessionId)};
}

QHttpServerResponse ApiService::unavailable()
{
    return ApiGuard::errorResponse(
        {503, u"broker_unavailable"_s,
         u"The broker does not answer: the cluster's sessions are unknown for now"_s});
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
    submit(push, reply);
}

QHttpServerResponse ApiService::notFound(const QHttpServerRequest &request) const
{
    return ApiGuard::errorResponse(
        {404, u"not_found"_s, u"No route for %1"_s.arg(request.url().path())});
}

} // namespace Herald
