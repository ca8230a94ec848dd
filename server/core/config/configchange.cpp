#include "config/configchange.h"

#include "config/configoptions.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

using Options = ConfigOptions;

// One setting: how to tell a change, take the loaded value over (live) or show the running
// one (restart-only; never a secret).
struct Setting
{
    QString key;
    bool live;
    bool (*differs)(const ServerConfig &running, const ServerConfig &loaded);
    void (*take)(ServerConfig &next, const ServerConfig &loaded);
    QString (*shown)(const ServerConfig &running);
    // A live setting whose change still needs a restart this time (e.g. TLS turned on).
    bool (*restartAnyway)(const ServerConfig &running, const ServerConfig &loaded) = nullptr;
};

QString text(int value)
{
    return QString::number(value);
}

QString text(const QHostAddress &address)
{
    return address.toString();
}

QString text(const QString &value)
{
    return u"'%1'"_s.arg(value);
}

QString text(bool value)
{
    return value ? u"true"_s : u"false"_s;
}

QString text(ServerConfig::StoreKind kind)
{
    return ConfigValueParser::choiceName(kind, Options::StoreKinds);
}

QString text(const std::optional<BrokerAddress> &broker)
{
    return broker ? broker->display() : u"none"_s;
}

QString text(ServerConfig::Synchronous mode)
{
    return ConfigValueParser::choiceName(mode, Options::SynchronousModes);
}

QString text(ServerConfig::EventLoop loop)
{
    return ConfigValueParser::choiceName(loop, Options::EventLoops);
}

template<auto Member> bool differs(const ServerConfig &running, const ServerConfig &loaded)
{
    return running.*Member != loaded.*Member;
}

template<auto Member> void take(ServerConfig &next, const ServerConfig &loaded)
{
    next.*Member = loaded.*Member;
}

template<auto Member> QString shown(const ServerConfig &running)
{
    return text(running.*Member);
}

template<auto Member> Setting live(const OptionSpec &spec)
{
    return {spec.fileKey, true, &differs<Member>, &take<Member>, nullptr};
}

template<auto Member> Setting restart(const OptionSpec &spec)
{
    return {spec.fileKey, false, &differs<Member>, nullptr, &shown<Member>};
}

bool proxiesDiffer(const ServerConfig &running, const ServerConfig &loaded)
{
    return running.trustedProxies.entries() != loaded.trustedProxies.entries();
}

QString proxiesShown(const ServerConfig &running)
{
    return text(running.trustedProxies.entries().join(u", "_s));
}

bool originsDiffer(const ServerConfig &running, const ServerConfig &loaded)
{
    return running.allowedOrigins.entries() != loaded.allowedOrigins.entries();
}

// A listener's certificate: another file, or the same file rewritten (the loader has read
// it again either way). Live: new handshakes use the new one. Turning TLS on or off
// changes what the listener accepts: that needs a restart.
template<auto Files, auto Credentials>
bool tlsDiffers(const ServerConfig &running, const ServerConfig &loaded)
{
    return running.*Files != loaded.*Files || running.*Credentials != loaded.*Credentials;
}

template<auto CertFile, auto KeyFile, auto Credentials>
void takeTls(ServerConfig &next, const ServerConfig &loaded)
{
    next.*CertFile = loaded.*CertFile;
    next.*KeyFile = loaded.*KeyFile;
    next.*Credentials = loaded.*Credentials;
}

template<auto Credentials> bool tlsToggled(const ServerConfig &running, const ServerConfig &loaded)
{
    return (running.*Credentials).has_value() != (loaded.*Credentials).has_value();
}

template<auto Credentials> QString tlsShown(const ServerConfig &running)
{
    return (running.*Credentials) ? u"TLS on"_s : u"TLS off"_s;
}

template<auto File, auto CertFile, auto KeyFile, auto Credentials>
Setting tls(const OptionSpec &spec)
{
    return {spec.fileKey,
            true,
            &tlsDiffers<File, Credentials>,
            &takeTls<CertFile, KeyFile, Credentials>,
            &tlsShown<Credentials>,
            &tlsToggled<Credentials>};
}

// In help-text order. Restart-only: what HeraldServer wires once in start().
QList<Setting> makeSettings()
{
    const Options &o = Options::table();
    using C = ServerConfig;
    return {
        restart<&C::wsPort>(o.wsPort),
        restart<&C::wsBind>(o.wsBind),
        restart<&C::apiPort>(o.apiPort),
        restart<&C::apiBind>(o.apiBind),
        restart<&C::workers>(o.workers),
        restart<&C::eventLoop>(o.eventLoop),
        live<&C::heartbeatMs>(o.heartbeat),
        live<&C::handshakeTimeoutMs>(o.handshakeTimeout),
        live<&C::apiIdleTimeoutMs>(o.apiIdleTimeout),
        live<&C::apiHeadTimeoutMs>(o.apiHeadTimeout),
        live<&C::apiMinBodyRate>(o.apiMinBodyRate),
        live<&C::maxPayloadBytes>(o.maxPayload),
        live<&C::clientFramesPerSecond>(o.clientRate),
        live<&C::maxSessionBufferBytes>(o.maxSessionBuffer),
        live<&C::unreadCoalesceMs>(o.unreadCoalesce),
        live<&C::maxSessionsPerUser>(o.maxSessionsPerUser),
        live<&C::maxSessionsPerToken>(o.maxSessionsPerToken),
        live<&C::maxSessions>(o.maxSessions),
        live<&C::maxHandshakes>(o.maxHandshakes),
        live<&C::maxHandshakesPerAddress>(o.maxHandshakesPerAddress),
        live<&C::maxAdminBufferBytes>(o.maxAdminBuffer),
        restart<&C::store>(o.store),
        restart<&C::broker>(o.broker),
        restart<&C::brokerPasswordFile>(o.brokerPasswordFile),
        // Live: the store thread reads them at each commit, so that an operator who loses or
        // adds a replica adjusts every node with a reload, without closing its sessions.
        live<&C::brokerMinReplicas>(o.brokerMinReplicas),
        live<&C::brokerReplicaTimeoutMs>(o.brokerReplicaTimeout),
        restart<&C::nodeName>(o.nodeName),
        restart<&C::dataDir>(o.dataDir),
        restart<&C::sqliteSynchronous>(o.synchronous),
        live<&C::historySize>(o.historySize),
        live<&C::historyTtlMs>(o.historyTtl),
        live<&C::trimIntervalMs>(o.trimInterval),
        live<&C::idempotencyTtlMs>(o.idempotencyTtl),
        live<&C::drainMs>(o.drain),
        live<&C::logRules>(o.logRules),
        restart<&C::legacyRoutes>(o.legacyRoutes),
        live<&C::secret>(o.secretFile),
        live<&C::apiKey>(o.apiKeyFile),
        live<&C::extraSecrets>(o.secretsFile),
        // Live while the admin channel is on; turning it on needs a restart (see below).
        live<&C::adminToken>(o.adminTokenFile),
        {o.allowedOrigins.fileKey, true, &originsDiffer, &take<&C::allowedOrigins>, nullptr},
        live<&C::enforceTokenExpiry>(o.enforceTokenExpiry),
        live<&C::adminAllowedOrigins>(o.adminAllowedOrigins),
        // The acceptor and the TLS intakes take them once, at start.
        {o.trustedProxies.fileKey, false, &proxiesDiffer, nullptr, &proxiesShown},
        restart<&C::proxyProtocol>(o.proxyProtocol),
        tls<&C::tlsCertFile, &C::tlsCertFile, &C::tlsKeyFile, &C::tls>(o.tlsCert),
        tls<&C::tlsKeyFile, &C::tlsCertFile, &C::tlsKeyFile, &C::tls>(o.tlsKey),
        tls<&C::apiTlsCertFile, &C::apiTlsCertFile, &C::apiTlsKeyFile, &C::apiTls>(o.apiTlsCert),
        tls<&C::apiTlsKeyFile, &C::apiTlsCertFile, &C::apiTlsKeyFile, &C::apiTls>(o.apiTlsKey),
    };
}

const QList<Setting> &settings()
{
    static const QList<Setting> table = makeSettings();
    return table;
}

// A secret that --dev generated is new on every load: the running one stays.
ServerConfig keepGeneratedSecrets(const ServerConfig &running, ServerConfig loaded)
{
    if (running.secretGenerated && loaded.secretGenerated)
        loaded.secret = running.secret;
    if (running.apiKeyGenerated && loaded.apiKeyGenerated)
        loaded.apiKey = running.apiKey;
    if (running.adminTokenGenerated && loaded.adminTokenGenerated)
        loaded.adminToken = running.adminToken;
    return loaded;
}

} // namespace

ConfigChange::ConfigChange(const ServerConfig &running, const ServerConfig &loadedConfig)
    : m_next(running)
{
    const ServerConfig loaded = keepGeneratedSecrets(running, loadedConfig);
    const QString adminTokenKey = Options::table().adminTokenFile.fileKey;
    for (const Setting &setting : settings()) {
        if (!setting.differs(running, loaded))
            continue;
        // The admin hub exists only when the server started with an admin token.
        const bool adminChannelOff = setting.key == adminTokenKey && running.adminToken.isEmpty();
        const bool restartAnyway = setting.restartAnyway && setting.restartAnyway(running, loaded);
        if (setting.live && !adminChannelOff && !restartAnyway) {
            setting.take(m_next, loaded);
            m_applied.append(setting.key);
            continue;
        }
        m_needsRestart.append(setting.key);
        m_restartMessages.append(u"%1 changed: needs a restart; keeping %2"_s.arg(
            setting.key, setting.shown ? setting.shown(running) : u"the admin channel off"_s));
    }
}

bool ConfigChange::isLive(const QString &key)
{
    for (const Setting &setting : settings()) {
        if (setting.key == key)
            return setting.live;
    }
    return false;
}

QStringList ConfigChange::keys()
{
    QStringList keys;
    for (const Setting &setting : settings())
        keys.append(setting.key);
    return keys;
}

} // namespace Herald
