#pragma once

#include "apiguard.h"
#include "apireply.h"
#include "serverconfig.h"

#include <QObject>

#include <functional>

namespace Herald {

class StoreFileGuard;

class SessionDirectory;
class AdminFeed;
class ServerStats;
class StoreService;
class WorkerPool;
struct PushRequest;

// The push API's pushes, presence and stats: every route forwards here and
// gets its complete answer. A refused request changes nothing and delivers
// nothing. Stored pushes are answered 202 only once committed.
class ApiService
{
public:
    ApiService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
               StoreService &store, ServerStats &stats, AdminFeed &feed);

    // Validates the payload size, then stores (unless live-only) and delivers
    // a parsed push; \a done gets the answer (202, 413 or 503), in this thread.
    using Done = std::function<void(const QHttpServerResponse &response)>;
    void submit(const PushRequest &request, const Done &done);

    // The report behind /healthz: {"status":"ok"|"unavailable", ...}; answered 503 unless ok.
    using HealthReport = std::function<QJsonObject()>;
    void setHealthReport(HealthReport report) { m_healthReport = std::move(report); }
    // Stored pushes are refused with 503 store_unavailable once this says no.
    void setStoreFileGuard(StoreFileGuard *guard) { m_fileGuard = guard; }
    QHttpServerResponse health(const QHttpServerRequest &request) const;
    // Prometheus text format; guarded by the API key like every /api/ route.
    QHttpServerResponse metrics(const QHttpServerRequest &request) const;
    void notify(const QHttpServerRequest &request, const Reply &reply);
    void broadcast(const QHttpServerRequest &request, const Reply &reply);
    void legacyNew(const QString &user, const QHttpServerRequest &request, const Reply &reply);
    QHttpServerResponse userSessions(const QString &user, const QHttpServerRequest &request);
    QHttpServerResponse sessions(const QHttpServerRequest &request) const;
    QHttpServerResponse session(const QString &sessionId, const QHttpServerRequest &request);
    QHttpServerResponse stats(const QHttpServerRequest &request) const;
    QHttpServerResponse notFound(const QHttpServerRequest &request) const;

    const ApiGuard &guard() const { return m_guard; }

private:
    void parseAndPush(const QHttpServerRequest &request, int kind, const Reply &reply);
    QHttpServerResponse pushLive(const PushRequest &request, const QString &id,
                                 const QString &frame, qsizetype payloadBytes);
    void accepted(const PushRequest &request, const QString &id, qsizetype payloadBytes,
                  qint64 sessions, bool stored);

    const ServerConfig m_config;
    ApiGuard m_guard;
    SessionDirectory &m_directory;
    WorkerPool &m_pool;
    StoreService &m_store;
    ServerStats &m_stats;
    AdminFeed &m_feed;
    HealthReport m_healthReport;
    StoreFileGuard *m_fileGuard = nullptr;
    QObject m_callbacks; // context of the store's answers, in this (the main) thread
};

} // namespace Herald
