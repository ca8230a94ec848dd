#include "configloader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>

#include <array>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr int MaxWorkers = 64;
constexpr double MaxSeconds = 3600;
constexpr qint64 MinPayloadBytes = 1024;
constexpr qint64 MaxPayloadBytes = 16 * 1024 * 1024;

// The three places a value can come from, strongest first.
enum class Level { Flag, Env, File };

struct RawValue
{
    QString text;
    QString origin; // "--ws-port", "HERALD_WS_PORT" or "ws_port in <file>", for errors
    Level level;
};

// One setting as spelled in each source. The help text is generated from it, so it always
// names the environment variables, the file key and the default.
struct OptionSpec
{
    QString flag; // long option without "--"
    QStringList envNames; // strongest first
    QString fileKey; // empty: not settable in the INI file
    QString valueName; // empty: a switch without a value
    QString expected; // completes "'<value>' is not ..."
    QString description;
    QString defaultText;
};

struct Options
{
    OptionSpec wsPort, wsBind, apiPort, apiBind, workers, heartbeat, handshakeTimeout,
        apiIdleTimeout, maxPayload, legacyRoutes, dev, secretFile, apiKeyFile, config;

    QList<const OptionSpec *> all() const
    {
        return {&wsPort,    &wsBind,           &apiPort,        &apiBind,    &workers,
                &heartbeat, &handshakeTimeout, &apiIdleTimeout, &maxPayload, &legacyRoutes,
                &dev,       &secretFile,       &apiKeyFile,     &config};
    }
};

QString seconds(int ms)
{
    return QString::number(ms / 1000.0);
}

// The option table; defaults are read from ServerConfig so the help text cannot drift.
// clang-format off
Options makeOptions()
{
    const ServerConfig d;
    const QString port = u"a port number (0-65535)"_s;
    const QString address = u"an IP address, 'localhost' or '*'"_s;
    const QString secs = u"a number of seconds from 0.001 to 3600"_s;
    const QString boolean = u"a boolean (1/true/yes/on or 0/false/no/off)"_s;
    const QString path = u"a file name"_s;
    return {
        .wsPort = {u"ws-port"_s, {u"HERALD_WS_PORT"_s, u"PORT"_s}, u"ws_port"_s, u"port"_s, port,
            u"Port for browser WebSocket connections (/ws); 0 picks a free one."_s,
            QString::number(d.wsPort)},
        .wsBind = {u"ws-bind"_s, {u"HERALD_WS_BIND"_s}, u"ws_bind"_s, u"address"_s, address,
            u"Address the WebSocket listener binds to; '*' means all IPv4 interfaces."_s,
            d.wsBind.toString()},
        .apiPort = {u"api-port"_s, {u"HERALD_API_PORT"_s}, u"api_port"_s, u"port"_s, port,
            u"Port for the push API used by the application's backend."_s,
            QString::number(d.apiPort)},
        .apiBind = {u"api-bind"_s, {u"HERALD_API_BIND"_s}, u"api_bind"_s, u"address"_s, address,
            u"Address the push API binds to; keep it private."_s,
            d.apiBind.toString()},
        .workers = {u"workers"_s, {u"HERALD_WORKERS"_s}, u"workers"_s, u"count"_s,
            u"a whole number from 0 to 64"_s,
            u"Worker threads for WebSocket sessions; 0 means one per CPU core (at most 64)."_s,
            QString::number(d.workers)},
        .heartbeat = {u"heartbeat-s"_s, {u"HERALD_HEARTBEAT_S"_s}, u"heartbeat_s"_s, u"seconds"_s, secs,
            u"Seconds between pings; a client missing one pong is dropped. Decimals allowed."_s,
            seconds(d.heartbeatMs)},
        .handshakeTimeout = {u"handshake-timeout-s"_s, {u"HERALD_HANDSHAKE_TIMEOUT_S"_s},
            u"handshake_timeout_s"_s, u"seconds"_s, secs,
            u"Seconds a new client has to complete its WebSocket upgrade. Decimals allowed."_s,
            seconds(d.handshakeTimeoutMs)},
        .apiIdleTimeout = {u"api-idle-timeout-s"_s, {u"HERALD_API_IDLE_TIMEOUT_S"_s},
            u"api_idle_timeout_s"_s, u"seconds"_s, secs,
            u"Seconds before an idle or slow push-API connection is closed. Decimals allowed."_s,
            seconds(d.apiIdleTimeoutMs)},
        .maxPayload = {u"max-payload-bytes"_s, {u"HERALD_MAX_PAYLOAD_BYTES"_s},
            u"max_payload_bytes"_s, u"bytes"_s, u"a byte count from 1024 to 16777216"_s,
            u"Largest push-API request body accepted (1 KiB to 16 MiB)."_s,
            QString::number(d.maxPayloadBytes)},
        .legacyRoutes = {u"legacy-routes"_s, {u"HERALD_LEGACY_ROUTES"_s}, u"legacy_routes"_s,
            QString(), boolean,
            u"Serve the unauthenticated legacy routes /client?user_id= and /new/<id>; "
            u"insecure, only for migrating old clients."_s,
            u"off"_s},
        .dev = {u"dev"_s, {u"HERALD_DEV"_s}, QString(), QString(), boolean,
            u"Local development: generate missing secrets and accept short ones. "
            u"Never in production."_s,
            u"off"_s},
        .secretFile = {u"secret-file"_s, {u"HERALD_SECRET_FILE"_s}, u"secret_file"_s, u"file"_s, path,
            u"File holding the HS256 secret for browser tokens (at least 32 bytes, trailing "
            u"whitespace ignored). HERALD_SECRET may hold the secret itself instead."_s,
            u"none, required unless --dev"_s},
        .apiKeyFile = {u"api-key-file"_s, {u"HERALD_API_KEY_FILE"_s}, u"api_key_file"_s, u"file"_s, path,
            u"File holding the bearer key for the push API (trailing whitespace ignored). "
            u"HERALD_API_KEY may hold the key itself instead."_s,
            u"none, required unless --dev"_s},
        .config = {u"config"_s, {u"HERALD_CONFIG"_s}, QString(), u"file"_s, path,
            u"INI file with further settings, weaker than flags and environment "
            u"(see herald.conf.example)."_s,
            u"none"_s},
    };
}
// clang-format on

const Options &options()
{
    static const Options table = makeOptions();
    return table;
}

// --- value parsers: nullopt means "not a valid value"; the caller words the error ---

std::optional<quint16> parsePort(const QString &text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    return quint16(port);
}

std::optional<QHostAddress> parseAddress(const QString &text)
{
    if (text.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    if (text == u"*")
        return QHostAddress(QHostAddress::AnyIPv4);
    QHostAddress address;
    if (!address.setAddress(text))
        return std::nullopt;
    return address;
}

std::optional<qint64> parseInteger(const QString &text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

// Seconds with decimals (tests use 0.2 s heartbeats) into whole milliseconds, at least 1.
std::optional<int> parseMilliseconds(const QString &text)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !(value <= MaxSeconds)) // the negated form also refuses NaN
        return std::nullopt;
    const int ms = qRound(value * 1000);
    if (ms < 1)
        return std::nullopt;
    return ms;
}

std::optional<bool> parseBool(const QString &text)
{
    const QString lower = text.toLower();
    if (QStringList {u"1"_s, u"true"_s, u"yes"_s, u"on"_s}.contains(lower))
        return true;
    if (QStringList {u"0"_s, u"false"_s, u"no"_s, u"off"_s}.contains(lower))
        return false;
    return std::nullopt;
}

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

// --- INI file: "key = value" lines, '#' or ';' comment lines, no sections ---

// Why key may not appear in the file, or an empty string if it may.
QString refuseKey(const QString &key, const QHash<QString, QString> &seen)
{
    if (key == u"secret" || key == u"api_key")
        return u"'%1' is not accepted in a config file; name a file holding it with %1_file"_s.arg(
            key);
    if (seen.contains(key))
        return u"key '%1' is set twice"_s.arg(key);
    for (const OptionSpec *spec : options().all()) {
        if (!spec->fileKey.isEmpty() && spec->fileKey == key)
            return QString();
    }
    return u"unknown key '%1'"_s.arg(key);
}

// Unknown and repeated keys are errors so that typos do not silently fall back to defaults.
// Messages name the file, line and key, never a value (a misplaced secret must not leak).
std::optional<QHash<QString, QString>> parseIni(const QString &content, const QString &fileName,
                                                QString *error)
{
    QHash<QString, QString> values;
    const QStringList lines = content.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype equals = line.indexOf(u'=');
        const QString key = line.left(equals).trimmed();
        const QString problem = equals < 0 ? u"expected 'key = value' (sections are not used)"_s
                                           : refuseKey(key, values);
        if (!problem.isEmpty()) {
            *error = u"%1:%2: %3"_s.arg(fileName, QString::number(i + 1), problem);
            return std::nullopt;
        }
        values.insert(key, line.mid(equals + 1).trimmed());
    }
    return values;
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
        const auto name = find(options().config);
        if (!name)
            return true;
        QFile file(name->text);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            *error
                = u"%1: cannot read '%2' (%3)"_s.arg(name->origin, name->text, file.errorString());
            return false;
        }
        auto values = parseIni(QString::fromUtf8(file.readAll()), name->text, error);
        m_fileName = name->text;
        m_file = values.value_or(QHash<QString, QString>());
        return values.has_value();
    }

    // The strongest source's value, trimmed. An empty environment variable counts as unset.
    std::optional<RawValue> find(const OptionSpec &spec) const
    {
        if (m_parser.isSet(spec.flag)) {
            const QString text = spec.valueName.isEmpty() ? u"true"_s : m_parser.value(spec.flag);
            return RawValue {text.trimmed(), u"--"_s + spec.flag, Level::Flag};
        }
        for (const QString &name : spec.envNames) {
            if (const QString text = m_env.value(name).trimmed(); !text.isEmpty())
                return RawValue {text, name, Level::Env};
        }
        const auto it = m_file.constFind(spec.fileKey);
        if (spec.fileKey.isEmpty() || it == m_file.cend())
            return std::nullopt;
        return RawValue {*it, u"%1 in %2"_s.arg(spec.fileKey, m_fileName), Level::File};
    }

    QString env(const QString &name) const { return m_env.value(name); }

    // Paths in the INI file are relative to the file's folder, not to the working directory.
    QString path(const RawValue &value) const
    {
        if (value.level != Level::File)
            return value.text;
        return QFileInfo(m_fileName).dir().filePath(value.text);
    }

private:
    const QCommandLineParser &m_parser;
    const QProcessEnvironment &m_env;
    QHash<QString, QString> m_file;
    QString m_fileName;
};

// Turns the sources into a ServerConfig, stopping at the first bad value.
class Builder
{
public:
    explicit Builder(const Sources &sources) : m_sources(sources) { }

    std::optional<ServerConfig> build()
    {
        ServerConfig config;
        if (!setListeners(config) || !setLimits(config) || !setSecrets(config))
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

    // Leaves target at its default when no source sets the option.
    template<typename T, typename Parse> bool set(const OptionSpec &spec, T &target, Parse parse)
    {
        const auto raw = m_sources.find(spec);
        if (!raw)
            return true;
        const std::optional<T> value = parse(raw->text);
        if (!value)
            return fail(u"%1: '%2' is not %3"_s.arg(raw->origin, raw->text, spec.expected));
        target = *value;
        return true;
    }

    bool setListeners(ServerConfig &c)
    {
        const Options &o = options();
        return set(o.wsPort, c.wsPort, parsePort) && set(o.wsBind, c.wsBind, parseAddress)
            && set(o.apiPort, c.apiPort, parsePort) && set(o.apiBind, c.apiBind, parseAddress);
    }

    bool setLimits(ServerConfig &c)
    {
        const Options &o = options();
        const auto workers = [](const QString &s) { return parseInteger(s, 0, MaxWorkers); };
        const auto bytes
            = [](const QString &s) { return parseInteger(s, MinPayloadBytes, MaxPayloadBytes); };
        return set(o.workers, c.workers, workers)
            && set(o.heartbeat, c.heartbeatMs, parseMilliseconds)
            && set(o.handshakeTimeout, c.handshakeTimeoutMs, parseMilliseconds)
            && set(o.apiIdleTimeout, c.apiIdleTimeoutMs, parseMilliseconds)
            && set(o.maxPayload, c.maxPayloadBytes, bytes)
            && set(o.legacyRoutes, c.legacyRoutes, parseBool) && set(o.dev, c.devMode, parseBool);
    }

    // Needs devMode, so it runs after setLimits().
    bool setSecrets(ServerConfig &c)
    {
        const Options &o = options();
        const int minSecret = c.devMode ? 1 : ConfigLoader::MinSecretBytes;
        return readSecret(o.secretFile, u"HERALD_SECRET"_s, minSecret, c.secret)
            && readSecret(o.apiKeyFile, u"HERALD_API_KEY"_s, 1, c.apiKey)
            && requireSecret(o.secretFile, u"HERALD_SECRET"_s, c.devMode, c.secret,
                             c.secretGenerated)
            && requireSecret(o.apiKeyFile, u"HERALD_API_KEY"_s, c.devMode, c.apiKey,
                             c.apiKeyGenerated);
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
        QFile file(fileName);
        if (!file.open(QIODevice::ReadOnly))
            return fail(
                u"%1: cannot read '%2' (%3)"_s.arg(path->origin, fileName, file.errorString()));
        const QByteArray secret = trimmedRight(file.readAll());
        if (secret.isEmpty())
            return fail(u"%1: '%2' is empty"_s.arg(path->origin, fileName));
        return accept(secret, u"%1 ('%2')"_s.arg(path->origin, fileName), minBytes, target);
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
    QStringList where {u"env "_s + spec.envNames.join(u" or "_s)};
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
    for (const OptionSpec *spec : options().all())
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

ConfigResult failure(const QString &message)
{
    return {ConfigResult::Kind::Error, ServerConfig(), message};
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
    return config ? ConfigResult {Kind::Run, *config, QString()} : failure(builder.errorString());
}

} // namespace Herald
