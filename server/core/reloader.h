#pragma once

#include "config/configloader.h"
#include "config/reloadreport.h"
#include "config/serverconfig.h"
#include "tokenverifier.h"

#include <functional>

namespace Herald {

class AdminHub;
class ApiServer;
class ApiService;
class HandshakeGate;
class PushService;
class ServerStats;
class SessionSlots;
class StoreService;
class TlsContext;
class WorkerPool;
class WsAcceptor;

// Applies a configuration re-read at run time (SIGHUP, the admin command reload) to the
// running server, without dropping a session: ConfigChange sorts the changes, the live ones
// go to each part, in its own thread (workers and store get a queued call; the gate swaps
// its rules atomically; the rest lives in this, the main, thread), and a restart-only one
// is logged and kept as running. A refused file changes nothing. Main thread.
class Reloader
{
public:
    struct Parts
    {
        HandshakeGate &gate;
        WorkerPool &pool;
        WsAcceptor &acceptor;
        ApiServer &api;
        ApiService &service;
        PushService &pushes;
        StoreService &store;
        AdminHub *admin; // null: the admin channel is off
        SessionSlots &slots;
        ServerStats &stats;
        TlsContext &tls; // the public listener's certificate (used only with TLS on)
        TlsContext &apiTls; // the push API's
    };
    // Loads the configuration again: ConfigLoader::load() with the process's arguments and
    // environment, so the INI file and the secret files are read anew.
    using Source = std::function<ConfigResult()>;

    Reloader(const ServerConfig &running, Parts parts);

    void setSource(Source source) { m_source = std::move(source); }
    const ServerConfig &config() const { return m_config; }

    // Loads from the source and applies what it gives, or counts and logs the refusal.
    ReloadReport reload();
    // Applies \a loaded: one info line sums up what was applied and what needs a restart.
    ReloadReport reload(const ServerConfig &loaded);

    // The browser-token verifier of \a config: its secret, then the rotation secrets by kid.
    static TokenVerifier tokenVerifier(const ServerConfig &config);
    // log_rules on top of the categories' defaults (QT_LOGGING_RULES still wins).
    static void applyLogRules(const QString &rules);

private:
    ReloadReport refuse(const QString &error);
    void apply(const ServerConfig &next, const QStringList &changed);
    void applyStore(const ServerConfig &next);
    void applySessionLimit(const ServerConfig &next);

    ServerConfig m_config;
    Parts m_parts;
    Source m_source;
};

} // namespace Herald
