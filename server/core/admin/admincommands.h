#pragma once

#include "admin/admincommandresult.h"
#include "config/reloadreport.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace Herald {

class ClusterPresence;
class PushService;
class SessionDirectory;
class StoreService;
class WorkerPool;

// The admin channel's commands (see docs/admin-protocol.md): test pushes go
// through the same validation and store as the push API; disconnects and
// history use the same services.
class AdminCommands
{
public:
    AdminCommands(PushService &pushes, SessionDirectory &directory, WorkerPool &pool,
                  StoreService &store, int maxUsersPerPush);

    // The answer without its id, which the admin hub fills in.
    using Done = std::function<void(const AdminCommandResult &outcome)>;
    // Runs \a command (its "command" names it); \a done runs in this thread,
    // at once or later.
    void run(const QJsonObject &command, const Done &done);

    // What the reload command runs: re-reads the configuration and applies it (set by the
    // server, which owns the reload; without one the command fails).
    using Reload = std::function<ReloadReport()>;
    void setReload(Reload reload) { m_reload = std::move(reload); }

    // With a broker: disconnects reach a session or user on any node of the cluster.
    void setPresence(ClusterPresence *presence) { m_presence = presence; }

    static AdminCommandResult failure(const QString &code, const QString &message);
    static AdminCommandResult success(const QJsonObject &result);

private:
    void push(const QJsonObject &command, bool broadcast, const Done &done);
    void disconnectSession(const QJsonObject &command, const Done &done);
    void disconnectUser(const QJsonObject &command, const Done &done);
    void history(const QJsonObject &command, const Done &done);
    void reload(const Done &done);

    PushService &m_pushes;
    SessionDirectory &m_directory;
    WorkerPool &m_pool;
    StoreService &m_store;
    int m_maxUsersPerPush;
    Reload m_reload;
    ClusterPresence *m_presence = nullptr;
    QObject m_callbacks; // context of the store's answers, in this (the main) thread
};

} // namespace Herald
