#pragma once

#include "config/serverconfig.h"

#include <QStringList>

namespace Herald {

// What a reload changes. Compares the running configuration with one just loaded, setting
// by setting (each named by its INI key, in help-text order), and sorts the changes:
//  - live: limits and timeouts, heartbeat_s, drain_s, history and idempotency retention,
//    allowed origins, the token secrets, the API key, the admin token, log_rules, the
//    broker's replica acknowledgements (broker_min_replicas, broker_replica_timeout);
//  - restart-only: what is wired once at start (listeners, workers, event loop, store,
//    legacy routes; and turning the admin channel on, since its hub exists only when
//    the server started with an admin token).
// next() is what the server runs with afterwards: the running configuration with the live
// changes taken over. Settings no source can set (close grace, admin counters, users per
// push) and secrets that --dev generated stay as they run. Pure: logs and applies nothing.
class ConfigChange
{
public:
    ConfigChange(const ServerConfig &running, const ServerConfig &loaded);

    QStringList applied() const { return m_applied; } // changed, live
    QStringList needsRestart() const { return m_needsRestart; } // changed, kept as running
    const ServerConfig &next() const { return m_next; }
    // One line per restart-only change, "<key> changed: needs a restart; keeping <old>". The
    // running value is shown, never a secret.
    QStringList restartMessages() const { return m_restartMessages; }

    // Whether a change of the setting with INI key \a key applies without a restart.
    static bool isLive(const QString &key);
    // The INI keys compared, in help-text order: every key ConfigLoader reads.
    static QStringList keys();

private:
    ServerConfig m_next;
    QStringList m_applied;
    QStringList m_needsRestart;
    QStringList m_restartMessages;
};

} // namespace Herald
