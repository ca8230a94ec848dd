#include "config/configloader.h"

#include "config/brokeraddress.h"
#include "config/configoptions.h"
#include "config/configvalueparser.h"
#include "config/inifile.h"
#include "config/originpolicy.h"
#include "config/tlscredentials.h"
#include "config/trustedproxies.h"
#include "logtext.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

using Parse = ConfigValueParser;
using Options = ConfigOptions;

// The three places a value can come from, strongest first.
enum class Level { Flag, Env, File };

struct RawValue
{
    QString text;
    QString origin; // "--ws-port", "HERALD_WS_PORT" or "ws_port in <file>", for errors
    Level level;
};

// Only ASCII whitespace: a UTF-8 secret may legitimately end in bytes like 0x85 or 0xA0.
QByteArray trimmedRight(QByteArray bytes)
{
    while (!bytes.isEmpty() && QByteArrayView(" \t\r\n\v\f").contains(bytes.back()))
        bytes.chop(1);
    return bytes;
}

// 32 bytes from the system CSPRNG, base64url so a developer can paste it into a token tool.
QByteArray generateSecret()
{
    std::array<quint32, 8> words;
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    const QByteArray raw(reinterpret_cast<const char *>(words.data()), sizeof(words));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// The three sources. find() is the only place that knows their precedence.
class Sources
{
public:
    Sources(const QCommandLineParser &parser, const QProcessEnvironment &env)
        : m_parser(parser), m_env(env)
    { }

    // Reads the INI file named by --config / HERALD_CONFIG, if any.
    bool loadFile(QString *error)
    {
        const auto name = find(Options::table().config);
        if (!name)
            return true;
        QFile file(name->text);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            *error
                = u"%1: cannot read '%2' (%3)"_s.arg(name->origin, name->text, file.errorString());
            return false;
        }
        const auto ini = IniFile::parse(QString::fromUtf8(file.readAll()), name->text,
                                        Options::table().fileKeys(), error);
        m_file = ini.value_or(IniFile());
        return ini.has_value();
    }

    // The strongest source's value, trimmed. An empty environment variable counts as unset.
    std::optional<RawValue> find(const OptionSpec &spec) const
    {
        if (m_parser.isSet(spec.flag)) {
            const QString text = spec.valueName.isEmpty() ? u"true"_s : m_parser.value(spec.flag);
            return RawValue{text.trimmed(), u"--"_s + spec.flag, Level::Flag};
        }
        for (const QString &name : spec.envNames) {
            if (const QString text = m_env.value(name).trimmed(); !text.isEmpty())
                return RawValue{text, name, Level::Env};
        }
        const auto text = spec.fileKey.isEmpty() ? std::nullopt : m_file.value(spec.fileKey);
        if (!text)
            return std::nullopt;
        return RawValue{*text, u"%1 in %2"_s.arg(spec.fileKey, m_file.fileName()), Level::File};
    }

    QString env(const QString &name) const { return m_env.value(name); }

    // Paths in the INI file are relative to the file's folder, not to the working directory.
    QString path(const RawValue &value) const
    {
        return value.level == Level::File ? m_file.resolvePath(value.text) : value.text;
    }

private:
    const QCommandLineParser &m_parser;
    const QProcessEnvironment &m_env;
    IniFile m_file;
};

// Turns the sources into a ServerConfig, stopping at the first bad value.
class Builder
{
public:
    explicit Builder(const Sources &sources) : m_sources(sources) { }

    std::optional<ServerConfig> build()
    {
        ServerConfig config;
        if (!setListeners(config) || !setLimits(config) || !setStore(config) || !setSecrets(config))
            return std::nullopt;
        if (!setEventLoop(config) || !setTokenRules(config))
            return std::nullopt;
        if (!setDrain(config) || !setTls(config) || !setProxies(config) || !setBroker(config)
            || !setBrokerDurability(config) || !setMigration(config)
            || !set(Options::table().logRules, config.logRules, Parse::logRules))
            return std::nullopt;
        return config;
    }

    QString errorString() const { return m_error; }

private:
    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }

    bool refuse(const RawValue &raw, const OptionSpec &spec)
    {
        return fail(u"%1: '%2' is not %3"_s.arg(raw.origin, raw.text, spec.expected));
    }

    // Leaves target at its default when no source sets the option.
    template<typename T, typename Parser> bool set(const OptionSpec &spec, T &target, Parser parse)
    {
        const auto raw = m_sources.find(spec);
        if (!raw)
            return true;
        const std::optional<T> value = parse(raw->text);
        if (!value)
            return refuse(*raw, spec);
        target = *value;
        return true;
    }

    // Like set(), for a path that the INI file gives relative to its own folder.
    bool setPath(const OptionSpec &spec, QString &target)
    {
        const auto raw = m_sources.find(spec);
        if (raw && raw->text.isEmpty())
            return refuse(*raw, spec);
        if (raw)
            target = m_sources.path(*raw);
        return true;
    }

    bool setListeners(ServerConfig &c)
    {
        const Options &o = Options::table();
        return set(o.wsPort, c.wsPort, Parse::port) && set(o.wsBind, c.wsBind, Parse::address)
            && set(o.apiPort, c.apiPort, Parse::port) && set(o.apiBind, c.apiBind, Parse::address);
    }

    bool setLimits(ServerConfig &c)
    {
        const Options &o = Options::table();
        const auto workers
            = [](const QString &s) { return Parse::integer(s, 0, Options::MaxWorkers); };
        const auto ms = [](const QString &s) { return Parse::seconds(s, Options::MaxSeconds); };
        const auto bytes = [](const QString &s) {
            return Parse::integer(s, Options::MinPayloadBytes, Options::MaxPayloadBytes);
        };
        const auto rate
            = [](const QString &s) { return Parse::integer(s, 1, Options::MaxClientRate); };
        return set(o.workers, c.workers, workers) && set(o.heartbeat, c.heartbeatMs, ms)
            && setHostileLimits(c) && set(o.handshakeTimeout, c.handshakeTimeoutMs, ms)
            && set(o.apiIdleTimeout, c.apiIdleTimeoutMs, ms)
            && set(o.apiHeadTimeout, c.apiHeadTimeoutMs, ms)
            && set(o.apiMinBodyRate, c.apiMinBodyRate,
                   [](const QString &s) {
                       return Parse::integer(s, Options::MinBodyRate, Options::MaxBodyRate);
                   })
            && set(o.maxPayload, c.maxPayloadBytes, bytes)
            && set(o.clientRate, c.clientFramesPerSecond, rate)
            && set(o.legacyRoutes, c.legacyRoutes, Parse::boolean)
            && set(o.adminAllowedOrigins, c.adminAllowedOrigins, Parse::origins)
            && set(o.dev, c.devMode, Parse::boolean);
    }

    // The limits of README "WebSocket limits".
    bool setHostileLimits(ServerConfig &c)
    {
        const Options &o = Options::table();
        const auto range = [](qint64 min, qint64 max) {
            return [min, max](const QString &s) { return Parse::integer(s, min, max); };
        };
        return set(o.maxSessionBuffer, c.maxSessionBufferBytes,
                   range(Options::MinSessionBuffer, Options::MaxBuffer))
            && set(o.unreadCoalesce, c.unreadCoalesceMs, range(0, Options::MaxCoalesceMs))
            && set(o.maxSessionsPerUser, c.maxSessionsPerUser, range(1, Options::MaxCount))
            && set(o.maxSessions, c.maxSessions, range(0, Options::MaxCount))
            && set(o.maxHandshakes, c.maxHandshakes, range(1, Options::MaxCount))
            && set(o.maxHandshakesPerAddress, c.maxHandshakesPerAddress,
                   range(1, Options::MaxCount))
            && set(o.maxAdminBuffer, c.maxAdminBufferBytes,
                   range(Options::MinAdminBuffer, Options::MaxBuffer));
    }

    bool setStore(ServerConfig &c)
    {
        const Options &o = Options::table();
        const auto kind = [](const QString &s) { return Parse::choice(s, Options::StoreKinds); };
        const auto mode
            = [](const QString &s) { return Parse::choice(s, Options::SynchronousModes); };
        const auto size
            = [](const QString &s) { return Parse::integer(s, 1, Options::MaxHistorySize); };
        const auto ttl = [](const QString &s) { return Parse::duration(s, Options::MaxTtlMs); };
        const auto trim
            = [](const QString &s) { return Parse::duration(s, Options::MaxTrimIntervalMs); };
        return set(o.store, c.store, kind) && setPath(o.dataDir, c.dataDir)
            && set(o.synchronous, c.sqliteSynchronous, mode)
            && set(o.historySize, c.historySize, size) && set(o.historyTtl, c.historyTtlMs, ttl)
            && set(o.trimInterval, c.trimIntervalMs, trim)
            && set(o.idempotencyTtl, c.idempotencyTtlMs, ttl);
    }

    bool setEventLoop(ServerConfig &c)
    {
        const auto kind = [](const QString &s) { return Parse::choice(s, Options::EventLoops); };
        return set(Options::table().eventLoop, c.eventLoop, kind);
    }

    // allowed_origins says which entry is wrong and why; enforce_token_expiry and
    // max_sessions_per_token are the limits a token carries.
    bool setTokenRules(ServerConfig &c)
    {
        const Options &o = Options::table();
        if (const auto raw = m_sources.find(o.allowedOrigins)) {
            QString why;
            const auto policy = OriginPolicy::parse(raw->text, &why);
            if (!policy)
                return fail(u"%1: %2"_s.arg(raw->origin, why));
            c.allowedOrigins = *policy;
        }
        return set(o.enforceTokenExpiry, c.enforceTokenExpiry, Parse::boolean)
            && set(o.maxSessionsPerToken, c.maxSessionsPerToken,
                   [](const QString &s) { return Parse::integer(s, 0, Options::MaxCount); });
    }

    // Both files of a listener, or neither; read and checked now, so that a bad
    // pair stops the start (or a reload) with a message naming the option.
    bool setTls(ServerConfig &c)
    {
        const Options &o = Options::table();
        return setTlsPair(o.tlsCert, o.tlsKey, c.tlsCertFile, c.tlsKeyFile, c.tls)
            && setTlsPair(o.apiTlsCert, o.apiTlsKey, c.apiTlsCertFile, c.apiTlsKeyFile, c.apiTls);
    }

    bool setTlsPair(const OptionSpec &certSpec, const OptionSpec &keySpec, QString &certFile,
                    QString &keyFile, std::optional<QSslConfiguration> &target)
    {
        if (!setPath(certSpec, certFile) || !setPath(keySpec, keyFile))
            return false;
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            return fail(u"--%1 and --%2 go together: give both or neither"_s.arg(certSpec.flag,
                                                                                 keySpec.flag));
        }
        if (certFile.isEmpty())
            return true;
        QString why;
        target = TlsCredentials::load(certFile, keyFile, &why);
        if (!target)
            return fail(u"--%1/--%2: %3"_s.arg(certSpec.flag, keySpec.flag, why));
        return true;
    }

    // trusted_proxies says which entry is wrong and why.
    bool setProxies(ServerConfig &c)
    {
        const Options &o = Options::table();
        if (const auto raw = m_sources.find(o.trustedProxies)) {
            QString why;
            const auto proxies = TrustedProxies::parse(raw->text, &why);
            if (!proxies)
                return fail(u"%1: %2"_s.arg(raw->origin, why));
            c.trustedProxies = *proxies;
        }
        return set(o.proxyProtocol, c.proxyProtocol, Parse::boolean);
    }

    // The URL says which part is wrong; the password file's contents replace a password
    // in the URL (a file keeps it out of ps and of the environment).
    bool setBroker(ServerConfig &c)
    {
        const Options &o = Options::table();
        const auto raw = m_sources.find(o.broker);
        if (raw) {
            QString why;
            c.broker = BrokerAddress::parse(raw->text, &why);
            if (!c.broker)
                return fail(u"%1: %2"_s.arg(raw->origin, why));
        }
        const auto path = m_sources.find(o.brokerPasswordFile);
        if (!setNodeName(c))
            return false;
        if (!path)
            return true;
        if (!raw)
            return fail(u"%1: a broker password without --broker"_s.arg(path->origin));
        c.brokerPasswordFile = m_sources.path(*path);
        const std::optional<QByteArray> contents = readFile(*path, c.brokerPasswordFile);
        if (!contents)
            return false;
        c.broker->password = trimmedRight(*contents);
        if (c.broker->password.isEmpty())
            return fail(u"%1: '%2' is empty"_s.arg(path->origin, c.brokerPasswordFile));
        return true;
    }

    // A durability setting that nothing would apply is refused, not ignored.
    bool setBrokerDurability(ServerConfig &c)
    {
        const Options &o = Options::table();
        const auto count
            = [](const QString &s) { return Parse::integer(s, 0, Options::MaxMinReplicas); };
        const auto timeout
            = [](const QString &s) { return Parse::duration(s, Options::MaxReplicaTimeoutMs); };
        if (!set(o.brokerMinReplicas, c.brokerMinReplicas, count)
            || !set(o.brokerReplicaTimeout, c.brokerReplicaTimeoutMs, timeout))
            return false;
        const auto raw = m_sources.find(o.brokerMinReplicas);
        if (raw && c.brokerMinReplicas > 0 && !c.broker)
            return fail(u"%1: replicas of a broker, but no --broker is given"_s.arg(raw->origin));
        return true;
    }

    // --migrate-to-broker copies the SQLite store into the broker: it needs both.
    bool setMigration(ServerConfig &c)
    {
        const Options &o = Options::table();
        if (!set(o.migrateToBroker, c.migrateToBroker, Parse::boolean)
            || !set(o.migrateForce, c.migrateForce, Parse::boolean))
            return false;
        if (c.migrateForce && !c.migrateToBroker)
            return fail(u"--migrate-force: only with --migrate-to-broker"_s);
        if (c.migrateToBroker && !c.broker)
            return fail(u"--migrate-to-broker: needs --broker, the Redis to copy the store into"_s);
        if (c.migrateToBroker && c.store != ServerConfig::StoreKind::Sqlite)
            return fail(u"--migrate-to-broker: copies the SQLite store; a memory store holds "
                        u"nothing to copy"_s);
        return true;
    }

    // Printable ASCII without spaces, so that it reads well in logs and Redis keys.
    bool setNodeName(ServerConfig &c)
    {
        const auto raw = m_sources.find(Options::table().nodeName);
        if (!raw)
            return true;
        const QString &name = raw->text;
        const bool printable = std::all_of(name.cbegin(), name.cend(), [](QChar ch) {
            return ch.unicode() > 0x20 && ch.unicode() < 0x7f;
        });
        if (name.isEmpty() || name.size() > Options::MaxNodeNameLength || !printable) {
            return fail(
                u"%1: '%2' is not %3"_s.arg(raw->origin, name, Options::table().nodeName.expected));
        }
        c.nodeName = name;
        return true;
    }

    // Unlike the other durations, 0 is allowed: no pacing.
    bool setDrain(ServerConfig &c)
    {
        const auto ms = [](const QString &s) -> std::optional<int> {
            bool ok = false;
            if (s.toDouble(&ok) == 0 && ok)
                return 0;
            return Parse::seconds(s, Options::MaxSeconds);
        };
        return set(Options::table().drain, c.drainMs, ms);
    }

    static constexpr int MinAdminTokenBytes = 16;

    // Needs devMode, so it runs after setLimits().
    bool setSecrets(ServerConfig &c)
    {
        const Options &o = Options::table();
        const int minSecret = c.devMode ? 1 : ConfigLoader::MinSecretBytes;
        // --migrate-to-broker serves nothing: missing secrets are generated and never used.
        const bool optional = c.devMode || m_sources.find(o.migrateToBroker).has_value();
        return readSecret(o.secretFile, u"HERALD_SECRET"_s, minSecret, c.secret)
            && readSecret(o.apiKeyFile, u"HERALD_API_KEY"_s, 1, c.apiKey)
            && requireSecret(o.secretFile, u"HERALD_SECRET"_s, optional, c.secret,
                             c.secretGenerated)
            && requireSecret(o.apiKeyFile, u"HERALD_API_KEY"_s, optional, c.apiKey,
                             c.apiKeyGenerated)
            && readSecretList(o.secretsFile, minSecret, c.extraSecrets)
            && readSecret(o.adminTokenFile, u"HERALD_ADMIN_TOKEN"_s,
                          c.devMode ? 1 : MinAdminTokenBytes, c.adminToken)
            && generateAdminToken(c);
    }

    // The admin channel is optional, except in --dev, where the monitor should
    // just work.
    static bool generateAdminToken(ServerConfig &c)
    {
        if (c.devMode && c.adminToken.isEmpty()) {
            c.adminToken = generateSecret();
            c.adminTokenGenerated = true;
        }
        return true;
    }

    // Order: --*-file flag, then the value in valueEnv, then the *_FILE variable, then the
    // INI key; a value beats a path on the same level. Leaves target empty if none is given.
    bool readSecret(const OptionSpec &fileSpec, const QString &valueEnv, int minBytes,
                    QByteArray &target)
    {
        const auto path = m_sources.find(fileSpec);
        const QByteArray direct = trimmedRight(m_sources.env(valueEnv).toUtf8());
        if (!direct.isEmpty() && (!path || path->level != Level::Flag))
            return accept(direct, valueEnv, minBytes, target);
        if (!path)
            return true;
        const QString fileName = m_sources.path(*path);
        const std::optional<QByteArray> contents = readFile(*path, fileName);
        if (!contents)
            return false;
        const QByteArray secret = trimmedRight(*contents);
        if (secret.isEmpty())
            return fail(u"%1: '%2' is empty"_s.arg(path->origin, fileName));
        return accept(secret, u"%1 ('%2')"_s.arg(path->origin, fileName), minBytes, target);
    }

    // The contents of the file an option names; nullopt (and the error set) when unreadable.
    std::optional<QByteArray> readFile(const RawValue &path, const QString &fileName)
    {
        QFile file(fileName);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(u"%1: cannot read '%2' (%3)"_s.arg(path.origin, fileName, file.errorString()));
            return std::nullopt;
        }
        return file.readAll();
    }

    // "<kid> <secret>" lines; blank lines and '#' comments are skipped.
    bool readSecretList(const OptionSpec &fileSpec, int minBytes,
                        QList<std::pair<QByteArray, QByteArray>> &target)
    {
        const auto path = m_sources.find(fileSpec);
        if (!path)
            return true;
        const QString fileName = m_sources.path(*path);
        const std::optional<QByteArray> contents = readFile(*path, fileName);
        if (!contents)
            return false;
        static const QRegularExpression kidPattern(u"^[A-Za-z0-9._-]{1,64}$"_s);
        int number = 0;
        for (const QByteArray &raw : contents->split('\n')) {
            ++number;
            const QByteArray line = raw.trimmed();
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const QString where = u"%1 ('%2' line %3)"_s.arg(path->origin, fileName).arg(number);
            const qsizetype space = line.indexOf(' ');
            const QByteArray kid = line.left(space);
            if (space < 0 || !kidPattern.match(QString::fromLatin1(kid)).hasMatch())
                return fail(
                    u"%1: expected '<kid> <secret>', kid of letters, digits, '.', '_' or '-'"_s.arg(
                        where));
            for (const auto &[known, secret] : std::as_const(target)) {
                if (known == kid)
                    return fail(
                        u"%1: kid '%2' appears twice"_s.arg(where, QString::fromLatin1(kid)));
            }
            QByteArray secret;
            if (!accept(line.mid(space + 1).trimmed(), where, minBytes, secret))
                return false;
            target.append({kid, secret});
        }
        if (target.isEmpty())
            return fail(u"%1: '%2' holds no secret"_s.arg(path->origin, fileName));
        return true;
    }

    bool accept(const QByteArray &secret, const QString &origin, int minBytes, QByteArray &target)
    {
        if (secret.size() < minBytes)
            return fail(u"%1: the secret is %2 bytes, too weak for HS256; use at least %3 "
                        u"(e.g. openssl rand -base64 48) or --dev"_s.arg(
                            origin, QString::number(secret.size()), QString::number(minBytes)));
        target = secret;
        return true;
    }

    bool requireSecret(const OptionSpec &fileSpec, const QString &valueEnv, bool dev,
                       QByteArray &target, bool &generated)
    {
        if (!target.isEmpty())
            return true;
        if (dev) {
            target = generateSecret();
            generated = true;
            return true;
        }
        return fail(u"%1 (or --%2) is required; use --dev for a local throwaway setup"_s.arg(
            valueEnv, fileSpec.flag));
    }

    const Sources &m_sources;
    QString m_error;
};

QCommandLineOption commandLineOption(const OptionSpec &spec)
{
    QStringList where;
    if (!spec.envNames.isEmpty())
        where << u"env "_s + spec.envNames.join(u" or "_s);
    if (!spec.fileKey.isEmpty())
        where << u"file key "_s + spec.fileKey;
    where << u"default "_s + spec.defaultText;
    const QString help = u"%1 [%2]"_s.arg(spec.description, where.join(u"; "_s));
    return QCommandLineOption(spec.flag, help, spec.valueName);
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        u"Herald WebSocket notification push server.\nSettings come from flags, then "
        u"environment variables, then the --config file, then defaults."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    for (const OptionSpec *spec : Options::table().all())
        parser.addOption(commandLineOption(*spec));
    // Hidden: they exist only so that a secret given as a flag gets a clear refusal.
    for (const QString &name : {u"secret"_s, u"api-key"_s}) {
        QCommandLineOption option(name, QString(), u"value"_s);
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

// Secrets on the command line would be visible to every user through ps.
QString refuseArguments(const QCommandLineParser &parser)
{
    for (const QString &flag : {u"secret"_s, u"api-key"_s}) {
        if (parser.isSet(flag))
            return u"--%1: secrets are not accepted on the command line (visible in ps); use "
                   u"HERALD_%2 or --%1-file"_s.arg(flag, flag.toUpper().replace(u'-', u'_'));
    }
    const QStringList extra = parser.positionalArguments();
    return extra.isEmpty() ? QString() : u"unexpected argument '%1'"_s.arg(extra.constFirst());
}

// Messages quote values, file names and arguments as given: their control characters are
// escaped so that the message stays one line.
ConfigResult failure(const QString &message)
{
    return {ConfigResult::Kind::Error, ServerConfig(), LogText::escaped(message, message.size())};
}

} // namespace

ConfigResult ConfigLoader::load(const QStringList &arguments, const QProcessEnvironment &env)
{
    using Kind = ConfigResult::Kind;
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(arguments))
        return failure(parser.errorText());
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s))
        return {Kind::Help, ServerConfig(), parser.helpText()};
    if (parser.isSet(u"version"_s))
        return {Kind::Version, ServerConfig(),
                u"%1 %2"_s.arg(QCoreApplication::applicationName(),
                               QCoreApplication::applicationVersion())};
    if (const QString refusal = refuseArguments(parser); !refusal.isEmpty())
        return failure(refusal);
    Sources sources(parser, env);
    QString error;
    if (!sources.loadFile(&error))
        return failure(error);
    Builder builder(sources);
    const auto config = builder.build();
    return config ? ConfigResult{Kind::Run, *config, QString()} : failure(builder.errorString());
}

} // namespace Herald
