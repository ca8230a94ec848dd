#include "apiservice.h"

#include "apierror.h"
#include "logging.h"
#include "notification.h"
#include "pushrequest.h"
#include "serverstats.h"
#include "sessiondirectory.h"
#include "workerpool.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponse::StatusCode;

QByteArray allowHeader(QHttpServerRequest::Methods methods)
{
    QByteArrayList names;
    for (const auto &[method, name] :
         {std::pair {Method::Get, "GET"}, {Method::Post, "POST"}, {Method::Delete, "DELETE"}}) {
        if (methods.testFlag(method))
            names.append(name);
    }
    return names.join(", ");
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

QString decoded(const QString &pathSegment)
{
    return QUrl::fromPercentEncoding(pathSegment.toUtf8());
}

// An integer query parameter in [min, max], the default when absent.
std::optional<qsizetype> queryNumber(const QHttpServerRequest &request, const QString &name,
                                     qsizetype fallback, qsizetype min, qsizetype max)
{
    if (!request.query().hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qlonglong value = request.query().queryItemValue(name).toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return qsizetype(value);
}

} // namespace

ApiService::ApiService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
                       ServerStats &stats)
    : m_config(config), m_directory(directory), m_pool(pool), m_stats(stats)
{ }

QHttpServerResponse ApiService::errorResponse(const ApiError &error)
{
    return QHttpServerResponse(error.toJson(), Status(error.status));
}

bool ApiService::authorized(const QHttpServerRequest &request) const
{
    const QByteArray header = request.value("Authorization");
    return header.startsWith("Bearer ")
        && constantTimeEquals(header.mid(7).trimmed(), m_config.apiKey);
}

std::optional<ApiError> ApiService::check(const QHttpServerRequest &request, Methods allowed,
                                          bool jsonBody) const
{
    if (!authorized(request)) {
        return ApiError {401, u"unauthorized"_s,
                         u"Missing or wrong API key; send Authorization: Bearer <api key>"_s};
    }
    if (!allowed.testFlag(request.method())) {
        return ApiError {405, u"method_not_allowed"_s,
                         u"%1 accepts %2"_s.arg(request.url().path(),
                                                QString::fromLatin1(allowHeader(allowed)))};
    }
    if (request.body().size() > m_config.maxBodyBytes()) {
        return ApiError {413, u"payload_too_large"_s,
                         u"Request body exceeds %1 bytes"_s.arg(m_config.maxBodyBytes())};
    }
    const QByteArray contentType = request.value("Content-Type").split(';').first().trimmed();
    if (jsonBody && contentType.compare("application/json", Qt::CaseInsensitive) != 0) {
        return ApiError {415, u"unsupported_media_type"_s,
                         u"Send the body as Content-Type: application/json"_s};
    }
    return std::nullopt;
}

QHttpServerResponse ApiService::health(const QHttpServerRequest &request) const
{
    if (request.method() != Method::Get) {
        return errorResponse({405, u"method_not_allowed"_s, u"/healthz accepts GET"_s});
    }
    return QHttpServerResponse(QJsonObject {{u"status"_s, u"ok"_s}});
}

QHttpServerResponse ApiService::notify(const QHttpServerRequest &request)
{
    if (auto error = check(request, Method::Post, true))
        return errorResponse(*error);
    const PushRequest::Result parsed
        = PushRequest::parse(request.body(), PushRequest::Kind::Notify, m_config.maxUsersPerPush);
    if (const auto *error = std::get_if<ApiError>(&parsed))
        return errorResponse(*error);
    return push(std::get<PushRequest>(parsed));
}

QHttpServerResponse ApiService::broadcast(const QHttpServerRequest &request)
{
    if (auto error = check(request, Method::Post, true))
        return errorResponse(*error);
    const PushRequest::Result parsed
        = PushRequest::parse(request.body(), PushRequest::Kind::Broadcast);
    if (const auto *error = std::get_if<ApiError>(&parsed))
        return errorResponse(*error);
    return push(std::get<PushRequest>(parsed));
}

QHttpServerResponse ApiService::push(const PushRequest &request)
{
    const qsizetype dataBytes
        = QJsonDocument(QJsonArray {request.data}).toJson(QJsonDocument::Compact).size() - 2;
    if (dataBytes > m_config.maxPayloadBytes) {
        return errorResponse(
            {413, u"payload_too_large"_s,
             u"Field 'data' is %1 bytes of JSON; the limit is %2"_s.arg(dataBytes).arg(
                 m_config.maxPayloadBytes)});
    }
    const Notification notification {Notification::newId(), request.event, request.data,
                                     QDateTime::currentDateTimeUtc()};
    const QString frame = notification.toFrame();
    QJsonObject answer {{u"id"_s, notification.id}};
    if (request.kind == PushRequest::Kind::Broadcast) {
        const qsizetype sessions = m_directory.sessionCount();
        m_pool.broadcast(frame);
        m_stats.broadcasts.fetch_add(1, std::memory_order_relaxed);
        answer.insert(u"sessions"_s, double(sessions));
        qCInfo(lcApi).noquote() << "broadcast" << notification.id << "event" << request.event
                                << "sessions" << sessions;
    } else {
        const SessionDirectory::Reach reach = m_directory.reach(request.users);
        m_pool.deliver(request.users, frame);
        m_stats.notifications.fetch_add(1, std::memory_order_relaxed);
        answer.insert(u"users_online"_s, double(reach.usersOnline));
        answer.insert(u"sessions"_s, double(reach.sessions));
        qCInfo(lcApi).noquote() << "notify" << notification.id << "event" << request.event
                                << "users" << request.users.size() << "online" << reach.usersOnline
                                << "sessions" << reach.sessions;
    }
    return QHttpServerResponse(answer, Status::Accepted);
}

QHttpServerResponse ApiService::userSessions(const QString &userSegment,
                                             const QHttpServerRequest &request)
{
    if (auto error = check(request, Method::Get | Method::Delete, false))
        return errorResponse(*error);
    const QString user = decoded(userSegment);
    const QList<SessionInfo> sessions = m_directory.sessionsOf(user);
    if (request.method() == Method::Delete) {
        m_pool.disconnectUser(user);
        qCInfo(lcApi).noquote() << "disconnect user" << user << "sessions" << sessions.size();
        return QHttpServerResponse(
            QJsonObject {{u"user"_s, user}, {u"disconnected"_s, double(sessions.size())}});
    }
    QJsonArray list;
    for (const SessionInfo &info : sessions)
        list.append(info.toJson());
    return QHttpServerResponse(QJsonObject {{u"user"_s, user}, {u"sessions"_s, list}});
}

QHttpServerResponse ApiService::sessions(const QHttpServerRequest &request) const
{
    if (auto error = check(request, Method::Get, false))
        return errorResponse(*error);
    const auto limit = queryNumber(request, u"limit"_s, 100, 1, 1000);
    if (!limit)
        return errorResponse(ApiError::invalidField(u"limit"_s, u"must be an integer 1-1000"_s));
    const auto offset = queryNumber(request, u"offset"_s, 0, 0, std::numeric_limits<int>::max());
    if (!offset)
        return errorResponse(ApiError::invalidField(u"offset"_s, u"must be an integer >= 0"_s));
    QJsonArray list;
    for (const SessionInfo &info : m_directory.page(*offset, *limit))
        list.append(info.toJson());
    return QHttpServerResponse(QJsonObject {{u"total"_s, double(m_directory.sessionCount())},
                                            {u"offset"_s, double(*offset)},
                                            {u"limit"_s, double(*limit)},
                                            {u"sessions"_s, list}});
}

QHttpServerResponse ApiService::session(const QString &sessionSegment,
                                        const QHttpServerRequest &request)
{
    if (auto error = check(request, Method::Get | Method::Delete, false))
        return errorResponse(*error);
    const std::optional<SessionInfo> info = m_directory.session(decoded(sessionSegment));
    if (!info) {
        return errorResponse(
            {404, u"not_found"_s, u"No live session %1"_s.arg(decoded(sessionSegment))});
    }
    if (request.method() == Method::Get)
        return QHttpServerResponse(info->toJson());
    m_pool.disconnectSession(info->user, info->id);
    qCInfo(lcApi).noquote() << "disconnect session" << info->id << "user" << info->user;
    return QHttpServerResponse(QJsonObject {{u"session"_s, info->id}, {u"disconnected"_s, 1}});
}

QHttpServerResponse ApiService::stats(const QHttpServerRequest &request) const
{
    if (auto error = check(request, Method::Get, false))
        return errorResponse(*error);
    return QHttpServerResponse(m_stats.toJson(m_directory));
}

// The original design's GET /new/<user_id>: unauthenticated, any body becomes data.
QHttpServerResponse ApiService::legacyNew(const QString &userSegment,
                                          const QHttpServerRequest &request)
{
    const Methods allowed = Method::Get | Method::Post;
    if (!allowed.testFlag(request.method()))
        return errorResponse({405, u"method_not_allowed"_s, u"/new/<user_id> accepts GET, POST"_s});
    PushRequest push;
    push.users = QStringList {decoded(userSegment)};
    if (!request.body().isEmpty()) {
        const QJsonDocument document = QJsonDocument::fromJson(request.body());
        push.data = document.isNull() ? QJsonValue(QString::fromUtf8(request.body()))
            : document.isObject()     ? QJsonValue(document.object())
                                      : QJsonValue(document.array());
    }
    return this->push(push);
}

QHttpServerResponse ApiService::notFound(const QHttpServerRequest &request) const
{
    return errorResponse({404, u"not_found"_s, u"No route for %1"_s.arg(request.url().path())});
}

} // namespace Herald
