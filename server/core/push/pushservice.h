#pragma once

// push/: one push from request to typed outcome, stored or live. Includes store/,
// ws/ (to deliver live pushes) and admin/ (the feed); never api/, since it knows
// nothing of HTTP (tests/structure/includes.cmake checks it).

#include "config/serverconfig.h"
#include "pushoutcome.h"

#include <QObject>

#include <functional>

namespace Herald {

class AdminFeed;
class ServerStats;
class SessionDirectory;
class StoreFileGuard;
class StoreService;
class WorkerPool;
struct PushRequest;

// Takes a parsed push to its users: stored (then delivered in seq order by
// the store's sink) or live only, and reports a typed outcome. It knows
// nothing of HTTP or of the admin channel; both map its result to their own
// answers. A refused push changes nothing and delivers nothing. Main thread.
class PushService
{
public:
    PushService(const ServerConfig &config, SessionDirectory &directory, WorkerPool &pool,
                StoreService &store, ServerStats &stats, AdminFeed &feed);

    // A reload: pushes submitted from now on are held to \a bytes.
    void setMaxPayloadBytes(qsizetype bytes) { m_maxPayloadBytes = bytes; }
    // Stored pushes are refused with store_unavailable once this says no.
    void setStoreFileGuard(const StoreFileGuard *guard) { m_fileGuard = guard; }

    // \a done gets the result in this thread: at once for a refusal or a
    // live push, after the commit for a stored one.
    using Done = std::function<void(const PushResult &result)>;
    void submit(const PushRequest &request, const Done &done);

private:
    PushOutcome pushLive(const PushRequest &request, const QString &id, const QString &frame);
    void publishLive(const PushRequest &request, const QString &id, const QString &frame,
                     qsizetype payloadBytes, const Done &done);
    void accepted(const PushRequest &request, const PushOutcome &outcome, qsizetype payloadBytes);

    qsizetype m_maxPayloadBytes;
    bool m_broker; // a store failure is the broker's: 503 broker_unavailable
    SessionDirectory &m_directory;
    WorkerPool &m_pool;
    StoreService &m_store;
    ServerStats &m_stats;
    AdminFeed &m_feed;
    const StoreFileGuard *m_fileGuard = nullptr;
    QObject m_callbacks; // context of the store's answers, in this (the main) thread
};

} // namespace Herald
