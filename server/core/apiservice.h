#pragma once

#include "serverconfig.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>

#include <optional>

namespace Herald {

class SessionDirectory;
class ServerStats;
class WorkerPool;
struct ApiError;
struct PushRequest;

// The push API's logic: every route forwards here and gets its complete
// answer. Checks run in a fixed order: 401 (bearer key), 405 (method),
// 413 (body size), 415 (content type), then the body itself; a refused request
// changes nothing and delivers nothing.
class ApiService
{
public:
    ApiService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
               ServerStats &stats);

    QHttpServerResponse health(const QHttpServerRequest &request) const;
    QHttpServerResponse notify(const QHttpServerRequest &request);
    QHttpServerResponse broadcast(const QHttpServerRequest &request);
    QHttpServerResponse userSessions(const QString &user, const QHttpServerRequest &request);
    QHttpServerResponse sessions(const QHttpServerRequest &request) const;
    QHttpServerResponse session(const QString &sessionId, const QHttpServerRequest &request);
    QHttpServerResponse stats(const QHttpServerRequest &request) const;
    QHttpServerResponse legacyNew(const QString &user, const QHttpServerRequest &request);
    QHttpServerResponse notFound(const QHttpServerRequest &request) const;

    static QHttpServerResponse errorResponse(const ApiError &error);

private:
    using Methods = QHttpServerRequest::Methods;
    std::optional<ApiError> check(const QHttpServerRequest &request, Methods allowed,
                                  bool jsonBody) const;
    bool authorized(const QHttpServerRequest &request) const;
    QHttpServerResponse push(const PushRequest &request);

    const ServerConfig m_config;
    SessionDirectory &m_directory;
    WorkerPool &m_pool;
    ServerStats &m_stats;
};

} // namespace Herald
