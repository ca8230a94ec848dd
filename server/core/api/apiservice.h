#pragma once

#include "admin/adminsessionrecord.h"
#include "api/apiguard.h"
#include "api/apireply.h"
#include "config/serverconfig.h"

#include <QObject>

#include <functional>

namespace Herald {

class ClusterPresence;
class PushService;
class SessionDirectory;
class ServerStats;
class WorkerPool;
struct PushRequest;

// The push API's pushes, presence and stats: every route forwards here and
// gets its complete answer. A refused request changes nothing and delivers
// nothing. Pushes go to the PushService, whose outcome is answered 202 (for a
// stored push, once committed) and whose refusals 413 or 503.
class ApiService
{
public:
    ApiService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
               PushService &pushes, ServerStats &stats);

    // The report behind /healthz: {"status":"ok"|"unavailable", ...}; answered 503 unless ok.
    using HealthReport = std::function<QJsonObject()>;
    void setHealthReport(HealthReport report) { m_healthReport = std::move(report); }
    QHttpServerResponse health(const QHttpServerRequest &request) const;
    // Prometheus text format; guarded by the API key like every /api/ route.
    QHttpServerResponse metrics(const QHttpServerRequest &request) const;
    void notify(const QHttpServerRequest &request, const Reply &reply);
    void broadcast(const QHttpServerRequest &request, const Reply &reply);
    void legacyNew(const QString &user, const QHttpServerRequest &request, const Reply &reply);
    // With a broker (setPresence) the presence routes answer for every node of the cluster,
    // once the registry has answered (503 broker_unavailable when it does not).
    void userSessions(const QString &user, const QHttpServerRequest &request, const Reply &reply);
    void sessions(const QHttpServerRequest &request, const Reply &reply);
    void session(const QString &sessionId, const QHttpServerRequest &request, const Reply &reply);
    void stats(const QHttpServerRequest &request, const Reply &reply);
    void setPresence(ClusterPresence *presence) { m_presence = presence; }
    QHttpServerResponse notFound(const QHttpServerRequest &request) const;

    const ApiGuard &guard() const { return m_guard; }
    // A reload: the API key and body limit, for requests from now on (InboxApi shares the
    // guard, so it follows).
    void reconfigure(const ServerConfig &config)
    {
        m_guard = ApiGuard(config.apiKey, config.maxBodyBytes());
    }
    // From now on pushes are answered 503 shutting_down (the server is draining).
    void refusePushes() { m_refusingPushes = true; }

private:
    void parseAndPush(const QHttpServerRequest &request, int kind, const Reply &reply);
    void submit(const PushRequest &request, const Reply &reply);
    void clusterSessions(qsizetype offset, qsizetype limit, const Reply &reply);
    void clusterSession(const QString &id, bool kick, const Reply &reply);
    void clusterUserSessions(const QString &user, bool kick, const Reply &reply);
    static QHttpServerResponse sessionsPage(const QList<AdminSessionRecord> &page, qsizetype total,
                                            qsizetype offset, qsizetype limit);
    static QHttpServerResponse unavailable();
    static ApiError notFound(const QString &sessionId);

    const ServerConfig m_config;
    ApiGuard m_guard;
    SessionDirectory &m_directory;
    WorkerPool &m_pool;
    PushService &m_pushes;
    ServerStats &m_stats;
    HealthReport m_healthReport;
    ClusterPresence *m_presence = nullptr;
    QObject m_callbacks; // context of the presence's answers, in this (the main) thread
    bool m_refusingPushes = false;
};

} // namespace Herald
