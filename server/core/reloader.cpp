#include "reloader.h"

#include "admin/adminhub.h"
#include "api/apiserver.h"
#include "api/apiservice.h"
#include "config/configchange.h"
#include "descriptorlimit.h"
#include "logging.h"
#include "push/pushservice.h"
#include "serverstats.h"
#include "store/storeservice.h"
#include "tlscontext.h"
#include "ws/handshakegate.h"
#include "ws/sessionslots.h"
#include "ws/workerpool.h"
#include "ws/wsacceptor.h"

#include <QLoggingCategory>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

QString keyList(const QStringList &keys)
{
    return keys.isEmpty() ? u"none"_s : keys.join(u", "_s);
}

} // namespace

Reloader::Reloader(const ServerConfig &running, Parts parts) : m_config(running), m_parts(parts)
{ }

TokenVerifier Reloader::tokenVerifier(const ServerConfig &config)
{
    QList<TokenVerifier::Key> keys{{QByteArray(), config.secret}};
    for (const auto &[kid, secret] : config.extraSecrets)
        keys.append({kid, secret});
    return TokenVerifier(keys);
}

void Reloader::applyLogRules(const QString &rules)
{
    QLoggingCategory::setFilterRules(rules);
}

ReloadReport Reloader::reload()
{
    if (!m_source)
        return refuse(u"no configuration source to read again"_s);
    const ConfigResult result = m_source();
    if (result.kind != ConfigResult::Kind::Run)
        return refuse(result.text);
    return reload(result.config);
}

// The loader's message names the option and the source, never a secret's content.
ReloadReport Reloader::refuse(const QString &error)
{
    m_parts.stats.configReloadsInvalid.fetch_add(1, std::memory_order_relaxed);
    qCWarning(lcServer).noquote() << "configuration reload refused, keeping the running one:"
                                  << error;
    return {false, {}, {}, error};
}

ReloadReport Reloader::reload(const ServerConfig &loaded)
{
    const ConfigChange change(m_config, loaded);
    for (const QString &message : change.restartMessages())
        qCWarning(lcServer).noquote() << message;
    if (!change.applied().isEmpty())
        apply(change.next(), change.applied());
    m_config = change.next();
    m_parts.stats.configReloadsApplied.fetch_add(1, std::memory_order_relaxed);
    qCInfo(lcServer).noquote() << "configuration reloaded: applied" << keyList(change.applied())
                               << "- needs a restart:" << keyList(change.needsRestart());
    return {true, change.applied(), change.needsRestart(), QString()};
}

// Every part gets its whole settings again; each keeps what it holds for what is under way
// (open sessions, requests being read) and uses the new values for what comes next.
void Reloader::apply(const ServerConfig &next, const QStringList &changed)
{
    if (changed.contains(u"log_rules"_s))
        applyLogRules(next.logRules);
    m_parts.gate.reconfigure(tokenVerifier(next), next.allowedOrigins);
    m_parts.pool.reconfigure(WorkerPool::settingsFor(next));
    m_parts.acceptor.setLimits(
        {next.handshakeTimeoutMs, next.maxHandshakes, next.maxHandshakesPerAddress});
    m_parts.api.reconfigure(next);
    m_parts.service.reconfigure(next);
    m_parts.pushes.setMaxPayloadBytes(next.maxPayloadBytes);
    if (m_parts.admin)
        m_parts.admin->reconfigure(next);
    applyStore(next);
    if (changed.contains(u"max_sessions"_s))
        applySessionLimit(next);
    // New TLS handshakes use the new certificates; open connections keep theirs.
    if (next.tls)
        m_parts.tls.setConfiguration(*next.tls);
    if (next.apiTls)
        m_parts.apiTls.setConfiguration(*next.apiTls);
}

void Reloader::applyStore(const ServerConfig &next)
{
    StoreService::Settings settings;
    settings.historySize = next.historySize;
    settings.historyTtlMs = next.historyTtlMs;
    settings.idempotencyTtlMs = next.idempotencyTtlMs;
    settings.trimIntervalMs = next.trimIntervalMs;
    settings.minReplicas = next.brokerMinReplicas;
    settings.replicaTimeoutMs = next.brokerReplicaTimeoutMs;
    m_parts.store.setRetention(settings);
}

// Lowered under the sessions open: they stay, new upgrades get 503 until enough have left.
void Reloader::applySessionLimit(const ServerConfig &next)
{
    m_parts.slots.setLimit(next.maxSessions > 0
                               ? next.maxSessions
                               : DescriptorLimit::sessionsFor(DescriptorLimit::raise()));
    qCInfo(lcServer) << "at most" << m_parts.slots.limit() << "WebSocket sessions";
}

} // namespace Herald
