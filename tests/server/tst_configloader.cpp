#include "config/configloader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <tuple>

using namespace Qt::Literals::StringLiterals;
using Herald::ConfigLoader;
using Herald::ConfigResult;
using Herald::ServerConfig;

Q_DECLARE_METATYPE(Herald::ConfigResult::Kind)

namespace {

const QString Secret = u"0123456789abcdef0123456789abcdef-test-secret"_s;
const QString ApiKey = u"test-api-key"_s;
const QStringList Secrets{u"HERALD_SECRET="_s + Secret, u"HERALD_API_KEY="_s + ApiKey};
const QStringList UseConfig{u"--config"_s, u"@dir@/h.conf"_s};

QStringList withSecrets(std::initializer_list<QString> extra)
{
    return Secrets + QStringList(extra);
}

// Every field that has a default, except dataDir: a relative data_dir in a config file is
// resolved against the file's folder, so the example's value is checked on its own.
const QStringList DefaultedFields{u"wsPort"_s,
                                  u"wsBind"_s,
                                  u"apiPort"_s,
                                  u"apiBind"_s,
                                  u"workers"_s,
                                  u"heartbeatMs"_s,
                                  u"handshakeTimeoutMs"_s,
                                  u"apiIdleTimeoutMs"_s,
                                  u"apiHeadTimeoutMs"_s,
                                  u"apiMinBodyRate"_s,
                                  u"maxPayloadBytes"_s,
                                  u"legacyRoutes"_s,
                                  u"devMode"_s,
                                  u"store"_s,
                                  u"sqliteSynchronous"_s,
                                  u"historySize"_s,
                                  u"historyTtlMs"_s,
                                  u"brokerMinReplicas"_s,
                                  u"brokerReplicaTimeoutMs"_s,
                                  u"migrateToBroker"_s,
                                  u"trimIntervalMs"_s,
                                  u"idempotencyTtlMs"_s,
                                  u"clientFramesPerSecond"_s,
                                  u"maxSessionBufferBytes"_s,
                                  u"unreadCoalesceMs"_s,
                                  u"maxSessionsPerUser"_s,
                                  u"maxSessionsPerToken"_s,
                                  u"enforceTokenExpiry"_s,
                                  u"allowedOrigins"_s,
                                  u"maxSessions"_s,
                                  u"maxHandshakes"_s,
                                  u"maxHandshakesPerAddress"_s,
                                  u"maxAdminBufferBytes"_s,
                                  u"eventLoop"_s,
                                  u"drainMs"_s,
                                  u"trustedProxies"_s,
                                  u"proxyProtocol"_s};

// The field a table row checks, as text so that a mismatch prints readably.
QString fieldText(const ServerConfig &c, const QString &field)
{
    const auto boolText = [](bool b) { return b ? u"true"_s : u"false"_s; };
    const bool memory = c.store == ServerConfig::StoreKind::Memory;
    const bool full = c.sqliteSynchronous == ServerConfig::Synchronous::Full;
    const bool qtLoop = c.eventLoop == ServerConfig::EventLoop::Qt;
    const QHash<QString, QString> fields{
        {u"wsPort"_s, QString::number(c.wsPort)},
        {u"wsBind"_s, c.wsBind.toString()},
        {u"apiPort"_s, QString::number(c.apiPort)},
        {u"apiBind"_s, c.apiBind.toString()},
        {u"workers"_s, QString::number(c.workers)},
        {u"heartbeatMs"_s, QString::number(c.heartbeatMs)},
        {u"handshakeTimeoutMs"_s, QString::number(c.handshakeTimeoutMs)},
        {u"apiIdleTimeoutMs"_s, QString::number(c.apiIdleTimeoutMs)},
        {u"apiHeadTimeoutMs"_s, QString::number(c.apiHeadTimeoutMs)},
        {u"apiMinBodyRate"_s, QString::number(c.apiMinBodyRate)},
        {u"maxPayloadBytes"_s, QString::number(c.maxPayloadBytes)},
        {u"legacyRoutes"_s, boolText(c.legacyRoutes)},
        {u"adminAllowedOrigins"_s, c.adminAllowedOrigins.join(u',')},
        {u"allowedOrigins"_s, c.allowedOrigins.entries().join(u',')},
        {u"trustedProxies"_s, c.trustedProxies.entries().join(u',')},
        {u"proxyProtocol"_s, boolText(c.proxyProtocol)},
        {u"enforceTokenExpiry"_s, boolText(c.enforceTokenExpiry)},
        {u"maxSessionsPerToken"_s, QString::number(c.maxSessionsPerToken)},
        {u"secretKids"_s,
         [&c] {
             QStringList kids;
             for (const auto &[kid, secret] : c.extraSecrets)
                 kids << QString::fromLatin1(kid) + u'=' + QString::number(secret.size());
             return kids.join(u',');
         }()},
        {u"devMode"_s, boolText(c.devMode)},
        {u"broker"_s, c.broker ? c.broker->display() : u"none"_s},
        {u"brokerPassword"_s, c.broker ? QString::fromUtf8(c.broker->password) : u"none"_s},
        {u"brokerMinReplicas"_s, QString::number(c.brokerMinReplicas)},
        {u"brokerReplicaTimeoutMs"_s, QString::number(c.brokerReplicaTimeoutMs)},
        {u"migrateToBroker"_s, boolText(c.migrateToBroker)},
        {u"migrateForce"_s, boolText(c.migrateForce)},
        {u"nodeName"_s, c.nodeName},
        {u"store"_s, memory ? u"memory"_s : u"sqlite"_s},
        {u"dataDir"_s, c.dataDir},
        {u"sqliteSynchronous"_s, full ? u"full"_s : u"normal"_s},
        {u"historySize"_s, QString::number(c.historySize)},
        {u"historyTtlMs"_s, QString::number(c.historyTtlMs)},
        {u"trimIntervalMs"_s, QString::number(c.trimIntervalMs)},
        {u"idempotencyTtlMs"_s, QString::number(c.idempotencyTtlMs)},
        {u"clientFramesPerSecond"_s, QString::number(c.clientFramesPerSecond)},
        {u"eventLoop"_s, qtLoop ? u"qt"_s : u"epoll"_s},
        {u"maxSessionBufferBytes"_s, QString::number(c.maxSessionBufferBytes)},
        {u"unreadCoalesceMs"_s, QString::number(c.unreadCoalesceMs)},
        {u"maxSessionsPerUser"_s, QString::number(c.maxSessionsPerUser)},
        {u"maxSessions"_s, QString::number(c.maxSessions)},
        {u"maxHandshakes"_s, QString::number(c.maxHandshakes)},
        {u"maxHandshakesPerAddress"_s, QString::number(c.maxHandshakesPerAddress)},
        {u"maxAdminBufferBytes"_s, QString::number(c.maxAdminBufferBytes)},
        {u"drainMs"_s, QString::number(c.drainMs)},
    };
    return fields.value(field, u"<no such field>"_s);
}

void addFieldColumns()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
}

// Three rows: the option set by its flag, its environment variable and its INI key.
void addSourceRows(const QString &flag, const QString &env, const QString &key,
                   const QString &value, const QString &field, const QString &expected)
{
    QTest::addRow("%s flag", qPrintable(flag))
        << QStringList{u"--"_s + flag, value} << Secrets << QStringList() << field << expected;
    QTest::addRow("%s env", qPrintable(flag))
        << QStringList() << withSecrets({env + u'=' + value}) << QStringList() << field << expected;
    QTest::addRow("%s file", qPrintable(flag))
        << UseConfig << Secrets << QStringList{u"h.conf:"_s + key + u" = "_s + value} << field
        << expected;
}

} // namespace

class TestConfigLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void defaults();
    void exampleConfig();
    void eachSource_data();
    void eachSource();
    void precedence_data();
    void precedence();
    void badInput_data();
    void badInput();
    void secretSources_data();
    void secretSources();
    void devGeneratesSecrets();
    void devKeepsProvidedSecrets();
    void helpAndVersion_data();
    void helpAndVersion();
    void helpIsComplete();

private:
    ConfigResult load(const QStringList &args, const QStringList &env, const QStringList &files);
    QString expand(QString text) const { return text.replace(u"@dir@"_s, m_dir->path()); }
    void writeFile(const QString &spec);
    void checkField();
    void compareWithDefaults(const ServerConfig &c);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestConfigLoader::initTestCase()
{
    QCoreApplication::setApplicationName(u"herald-server"_s);
    QCoreApplication::setApplicationVersion(u"9.8.7"_s);
}

void TestConfigLoader::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

// "name:content" writes a file into the temporary folder; "name/" makes a folder.
void TestConfigLoader::writeFile(const QString &spec)
{
    if (spec.endsWith(u'/')) {
        QVERIFY(QDir(m_dir->path()).mkpath(spec));
        return;
    }
    const qsizetype colon = spec.indexOf(u':');
    QFile file(m_dir->filePath(spec.left(colon)));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(expand(spec.mid(colon + 1)).toUtf8());
}

// The environment is built from the row alone, never taken from the real process.
ConfigResult TestConfigLoader::load(const QStringList &args, const QStringList &env,
                                    const QStringList &files)
{
    for (const QString &file : files)
        writeFile(file);
    QProcessEnvironment environment;
    for (const QString &entry : env) {
        const qsizetype equals = entry.indexOf(u'=');
        environment.insert(entry.left(equals), expand(entry.mid(equals + 1)));
    }
    QStringList arguments{u"herald-server"_s};
    for (const QString &arg : args)
        arguments << expand(arg);
    return ConfigLoader::load(arguments, environment);
}

void TestConfigLoader::checkField()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(QStringList, files);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    const ConfigResult result = load(args, env, files);
    QCOMPARE(result.text, QString());
    QCOMPARE(result.kind, ConfigResult::Kind::Run);
    QCOMPARE(fieldText(result.config, field), expand(expected));
}

void TestConfigLoader::compareWithDefaults(const ServerConfig &c)
{
    const ServerConfig d;
    for (const QString &field : DefaultedFields)
        QCOMPARE(fieldText(c, field), fieldText(d, field));
    QCOMPARE(c.maxUsersPerPush, d.maxUsersPerPush);
}

void TestConfigLoader::defaults()
{
    const ConfigResult result = load({}, Secrets, {});
    QCOMPARE(result.kind, ConfigResult::Kind::Run);
    compareWithDefaults(result.config);
    QCOMPARE(result.config.dataDir, u"herald-data"_s); // relative to the working directory
    QCOMPARE(result.config.secret, Secret.toUtf8());
    QCOMPARE(result.config.apiKey, ApiKey.toUtf8());
}

// The shipped example must load, document the defaults and comment every key.
void TestConfigLoader::exampleConfig()
{
    QFile example(QFINDTESTDATA("../../resources/config/herald.conf.example"));
    QVERIFY2(example.open(QIODevice::ReadOnly | QIODevice::Text), "herald.conf.example not found");
    const QString text = QString::fromUtf8(example.readAll());
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines.at(i).contains(u'=') && !lines.at(i).startsWith(u'#'))
            QVERIFY2(lines.at(i - 1).startsWith(u'#'), qPrintable(lines.at(i)));
    }
    // Put the key files named by the example next to the copy.
    const QStringList files{u"h.conf:"_s + QString(text).remove(u"/etc/herald/"_s),
                            u"herald.secret:"_s + Secret, u"herald.apikey:"_s + ApiKey};
    const ConfigResult result = load(UseConfig, {}, files);
    QCOMPARE(result.text, QString());
    compareWithDefaults(result.config);
    QCOMPARE(result.config.dataDir, u"/var/lib/herald"_s);
    QCOMPARE(result.config.secret, Secret.toUtf8());
}

void TestConfigLoader::eachSource_data()
{
    addFieldColumns();
    addSourceRows(u"ws-port"_s, u"HERALD_WS_PORT"_s, u"ws_port"_s, u"9001"_s, u"wsPort"_s,
                  u"9001"_s);
    addSourceRows(u"ws-bind"_s, u"HERALD_WS_BIND"_s, u"ws_bind"_s, u"0.0.0.0"_s, u"wsBind"_s,
                  u"0.0.0.0"_s);
    addSourceRows(u"api-port"_s, u"HERALD_API_PORT"_s, u"api_port"_s, u"0"_s, u"apiPort"_s, u"0"_s);
    addSourceRows(u"api-bind"_s, u"HERALD_API_BIND"_s, u"api_bind"_s, u"10.0.0.5"_s, u"apiBind"_s,
                  u"10.0.0.5"_s);
    addSourceRows(u"workers"_s, u"HERALD_WORKERS"_s, u"workers"_s, u"8"_s, u"workers"_s, u"8"_s);
    addSourceRows(u"heartbeat-s"_s, u"HERALD_HEARTBEAT_S"_s, u"heartbeat_s"_s, u"0.2"_s,
                  u"heartbeatMs"_s, u"200"_s);
    addSourceRows(u"handshake-timeout-s"_s, u"HERALD_HANDSHAKE_TIMEOUT_S"_s,
                  u"handshake_timeout_s"_s, u"2.5"_s, u"handshakeTimeoutMs"_s, u"2500"_s);
    addSourceRows(u"api-idle-timeout-s"_s, u"HERALD_API_IDLE_TIMEOUT_S"_s, u"api_idle_timeout_s"_s,
                  u"120"_s, u"apiIdleTimeoutMs"_s, u"120000"_s);
    addSourceRows(u"max-payload-bytes"_s, u"HERALD_MAX_PAYLOAD_BYTES"_s, u"max_payload_bytes"_s,
                  u"1048576"_s, u"maxPayloadBytes"_s, u"1048576"_s);
    addSourceRows(u"client-rate"_s, u"HERALD_CLIENT_RATE"_s, u"client_rate"_s, u"100"_s,
                  u"clientFramesPerSecond"_s, u"100"_s);
    addSourceRows(u"max-session-buffer"_s, u"HERALD_MAX_SESSION_BUFFER"_s, u"max_session_buffer"_s,
                  u"65536"_s, u"maxSessionBufferBytes"_s, u"65536"_s);
    addSourceRows(u"unread-coalesce-ms"_s, u"HERALD_UNREAD_COALESCE_MS"_s, u"unread_coalesce_ms"_s,
                  u"1000"_s, u"unreadCoalesceMs"_s, u"1000"_s);
    addSourceRows(u"max-sessions-per-user"_s, u"HERALD_MAX_SESSIONS_PER_USER"_s,
                  u"max_sessions_per_user"_s, u"5"_s, u"maxSessionsPerUser"_s, u"5"_s);
    addSourceRows(u"max-sessions"_s, u"HERALD_MAX_SESSIONS"_s, u"max_sessions"_s, u"50000"_s,
                  u"maxSessions"_s, u"50000"_s);
    addSourceRows(u"max-handshakes"_s, u"HERALD_MAX_HANDSHAKES"_s, u"max_handshakes"_s, u"200"_s,
                  u"maxHandshakes"_s, u"200"_s);
    addSourceRows(u"max-handshakes-per-address"_s, u"HERALD_MAX_HANDSHAKES_PER_ADDRESS"_s,
                  u"max_handshakes_per_address"_s, u"8"_s, u"maxHandshakesPerAddress"_s, u"8"_s);
    addSourceRows(u"max-admin-buffer"_s, u"HERALD_MAX_ADMIN_BUFFER"_s, u"max_admin_buffer"_s,
                  u"1048576"_s, u"maxAdminBufferBytes"_s, u"1048576"_s);
    addSourceRows(u"store"_s, u"HERALD_STORE"_s, u"store"_s, u"memory"_s, u"store"_s, u"memory"_s);
    addSourceRows(u"data-dir"_s, u"HERALD_DATA_DIR"_s, u"data_dir"_s, u"/srv/herald"_s,
                  u"dataDir"_s, u"/srv/herald"_s);
    addSourceRows(u"sqlite-synchronous"_s, u"HERALD_SQLITE_SYNCHRONOUS"_s, u"sqlite_synchronous"_s,
                  u"full"_s, u"sqliteSynchronous"_s, u"full"_s);
    addSourceRows(u"history-size"_s, u"HERALD_HISTORY_SIZE"_s, u"history_size"_s, u"50"_s,
                  u"historySize"_s, u"50"_s);
    addSourceRows(u"history-ttl"_s, u"HERALD_HISTORY_TTL"_s, u"history_ttl"_s, u"7d"_s,
                  u"historyTtlMs"_s, u"604800000"_s);
    addSourceRows(u"trim-interval"_s, u"HERALD_TRIM_INTERVAL"_s, u"trim_interval"_s, u"0.1s"_s,
                  u"trimIntervalMs"_s, u"100"_s);
    addSourceRows(u"idempotency-ttl"_s, u"HERALD_IDEMPOTENCY_TTL"_s, u"idempotency_ttl"_s, u"90m"_s,
                  u"idempotencyTtlMs"_s, u"5400000"_s);
    addSourceRows(u"event-loop"_s, u"HERALD_EVENT_LOOP"_s, u"event_loop"_s, u"qt"_s, u"eventLoop"_s,
                  u"qt"_s);
    QTest::newRow("event loop in any case")
        << QStringList{u"--event-loop=EPoll"_s} << withSecrets({u"HERALD_EVENT_LOOP=qt"_s})
        << QStringList() << u"eventLoop"_s << u"epoll"_s;

    const QStringList none;
    QTest::newRow("api head timeout flag") << QStringList{u"--api-head-timeout-s"_s, u"2.5"_s}
                                           << Secrets << none << u"apiHeadTimeoutMs"_s << u"2500"_s;
    QTest::newRow("api head timeout file")
        << UseConfig << Secrets << QStringList{u"h.conf:api_head_timeout_s = 3"_s}
        << u"apiHeadTimeoutMs"_s << u"3000"_s;
    QTest::newRow("api min body rate env")
        << none << withSecrets({u"HERALD_API_MIN_BODY_RATE=2048"_s}) << none << u"apiMinBodyRate"_s
        << u"2048"_s;
    QTest::newRow("api min body rate file")
        << UseConfig << Secrets << QStringList{u"h.conf:api_min_body_rate = 100000"_s}
        << u"apiMinBodyRate"_s << u"100000"_s;
    addSourceRows(u"broker"_s, u"HERALD_BROKER"_s, u"broker"_s, u"redis://10.0.0.7:6380/2"_s,
                  u"broker"_s, u"redis://10.0.0.7:6380/2"_s);
    QTest::newRow("broker default db")
        << QStringList{u"--broker"_s, u"REDIS://redis.internal:6379"_s} << Secrets << none
        << u"broker"_s << u"redis://redis.internal:6379/0"_s;
    QTest::newRow("broker IPv6") << QStringList{u"--broker"_s, u"redis://[::1]:7000/1"_s} << Secrets
                                 << none << u"broker"_s << u"redis://[::1]:7000/1"_s;
    QTest::newRow("broker password in URL")
        << QStringList{u"--broker"_s, u"redis://:p%40ss:w/rd@h:1"_s} << Secrets << none
        << u"brokerPassword"_s << u"p@ss:w/rd"_s;
    QTest::newRow("broker password shown masked")
        << QStringList{u"--broker"_s, u"redis://:pw@h:1/3"_s} << Secrets << none << u"broker"_s
        << u"redis://:***@h:1/3"_s;
    QTest::newRow("broker password file beats the URL")
        << QStringList{u"--broker"_s, u"redis://:inurl@h:1"_s, u"--broker-password-file"_s,
                       u"@dir@/broker.pw"_s}
        << Secrets << QStringList{u"broker.pw:from-file \n"_s} << u"brokerPassword"_s
        << u"from-file"_s;
    QTest::newRow("broker password file key")
        << UseConfig << Secrets
        << QStringList{u"h.conf:broker = redis://h:1\nbroker_password_file = broker.pw"_s,
                       u"broker.pw:pw2"_s}
        << u"brokerPassword"_s << u"pw2"_s;
    QTest::newRow("broker password file env")
        << QStringList{u"--broker"_s, u"redis://h:1"_s}
        << withSecrets({u"HERALD_BROKER_PASSWORD_FILE=@dir@/b.pw"_s}) << QStringList{u"b.pw:pw3"_s}
        << u"brokerPassword"_s << u"pw3"_s;
    QTest::newRow("broker default") << none << Secrets << none << u"broker"_s << u"none"_s;
    const QStringList broker{u"--broker"_s, u"redis://h:1"_s};
    for (const auto &[flag, env, key, value, field, expected] :
         {std::tuple{u"broker-min-replicas"_s, u"HERALD_BROKER_MIN_REPLICAS"_s,
                     u"broker_min_replicas"_s, u"2"_s, u"brokerMinReplicas"_s, u"2"_s},
          std::tuple{u"broker-replica-timeout"_s, u"HERALD_BROKER_REPLICA_TIMEOUT"_s,
                     u"broker_replica_timeout"_s, u"250ms"_s, u"brokerReplicaTimeoutMs"_s,
                     u"250"_s}}) {
        QTest::addRow("%s flag", qPrintable(flag)) << broker + QStringList{u"--"_s + flag, value}
                                                   << Secrets << QStringList() << field << expected;
        QTest::addRow("%s env", qPrintable(flag))
            << broker << withSecrets({env + u'=' + value}) << QStringList() << field << expected;
        QTest::addRow("%s file", qPrintable(flag))
            << UseConfig << Secrets
            << QStringList{u"h.conf:broker = redis://h:1\n"_s + key + u" = "_s + value} << field
            << expected;
    }
    QTest::newRow("migrate to broker") << broker + QStringList{u"--migrate-to-broker"_s} << Secrets
                                       << none << u"migrateToBroker"_s << u"true"_s;
    QTest::newRow("migrate force")
        << broker + QStringList{u"--migrate-to-broker"_s, u"--migrate-force"_s} << Secrets << none
        << u"migrateForce"_s << u"true"_s;
    // A one-shot command, so not from the environment: a variable left set would turn every
    // start into a migration.
    QTest::newRow("migrate is no environment setting")
        << broker << withSecrets({u"HERALD_MIGRATE_TO_BROKER=1"_s}) << none << u"migrateToBroker"_s
        << u"false"_s;
    // A migration serves nothing: it needs no secrets.
    QTest::newRow("migrate without secrets")
        << broker + QStringList{u"--migrate-to-broker"_s} << QStringList() << none
        << u"migrateToBroker"_s << u"true"_s;
    addSourceRows(u"node-name"_s, u"HERALD_NODE_NAME"_s, u"node_name"_s, u"eu-1.herald:9000"_s,
                  u"nodeName"_s, u"eu-1.herald:9000"_s);
    QTest::newRow("node name default") << none << Secrets << none << u"nodeName"_s << QString();
    const QString secretA(40, u'a'), secretB(33, u'b');
    QTest::newRow("secrets file flag")
        << QStringList{u"--secrets-file"_s, u"@dir@/rot.keys"_s} << Secrets
        << QStringList{u"rot.keys:# rotation\n\nk1 "_s + secretA + u"\nk2   "_s + secretB
                       + u"  \n"_s}
        << u"secretKids"_s << u"k1=40,k2=33"_s;
    QTest::newRow("secrets file key")
        << UseConfig << Secrets
        << QStringList{u"h.conf:secrets_file = rot.keys"_s, u"rot.keys:2026-12 "_s + secretA}
        << u"secretKids"_s << u"2026-12=40"_s;
    QTest::newRow("admin origins flag")
        << QStringList{u"--admin-allowed-origins"_s,
                       u"https://ops.example.com, http://LOCALHOST:8000"_s}
        << Secrets << none << u"adminAllowedOrigins"_s
        << u"https://ops.example.com,http://localhost:8000"_s;
    QTest::newRow("admin origins env")
        << none << withSecrets({u"HERALD_ADMIN_ALLOWED_ORIGINS=https://a.example"_s}) << none
        << u"adminAllowedOrigins"_s << u"https://a.example"_s;
    QTest::newRow("admin origins file")
        << UseConfig << Secrets
        << QStringList{u"h.conf:admin_allowed_origins = https://b.example:8443"_s}
        << u"adminAllowedOrigins"_s << u"https://b.example:8443"_s;
    addSourceRows(u"allowed-origins"_s, u"HERALD_ALLOWED_ORIGINS"_s, u"allowed_origins"_s,
                  u"https://App.Example.com:443, https://*.example.com:8443,"_s,
                  u"allowedOrigins"_s, u"https://app.example.com,https://*.example.com:8443"_s);
    QTest::newRow("allowed origins default")
        << none << Secrets << none << u"allowedOrigins"_s << QString();
    addSourceRows(u"trusted-proxies"_s, u"HERALD_TRUSTED_PROXIES"_s, u"trusted_proxies"_s,
                  u"10.0.0.0/8, 127.0.0.1 ::1/128"_s, u"trustedProxies"_s,
                  u"10.0.0.0/8,127.0.0.1/32,::1/128"_s);
    QTest::newRow("trusted proxies default")
        << none << Secrets << none << u"trustedProxies"_s << QString();
    QTest::newRow("proxy-protocol flag")
        << QStringList{u"--proxy-protocol"_s} << Secrets << none << u"proxyProtocol"_s << u"true"_s;
    QTest::newRow("proxy-protocol env") << none << withSecrets({u"HERALD_PROXY_PROTOCOL=on"_s})
                                        << none << u"proxyProtocol"_s << u"true"_s;
    QTest::newRow("proxy-protocol file")
        << UseConfig << Secrets << QStringList{u"h.conf:proxy_protocol = yes"_s}
        << u"proxyProtocol"_s << u"true"_s;
    addSourceRows(u"max-sessions-per-token"_s, u"HERALD_MAX_SESSIONS_PER_TOKEN"_s,
                  u"max_sessions_per_token"_s, u"3"_s, u"maxSessionsPerToken"_s, u"3"_s);
    QTest::newRow("enforce-token-expiry flag")
        << QStringList{u"--enforce-token-expiry"_s} << Secrets << none << u"enforceTokenExpiry"_s
        << u"true"_s;
    QTest::newRow("enforce-token-expiry env")
        << none << withSecrets({u"HERALD_ENFORCE_TOKEN_EXPIRY=yes"_s}) << none
        << u"enforceTokenExpiry"_s << u"true"_s;
    QTest::newRow("enforce-token-expiry file")
        << UseConfig << Secrets << QStringList{u"h.conf:enforce_token_expiry = on"_s}
        << u"enforceTokenExpiry"_s << u"true"_s;
    QTest::newRow("admin origins default")
        << none << Secrets << none << u"adminAllowedOrigins"_s << QString();
    QTest::newRow("legacy-routes flag")
        << QStringList{u"--legacy-routes"_s} << Secrets << none << u"legacyRoutes"_s << u"true"_s;
    QTest::newRow("legacy-routes env") << none << withSecrets({u"HERALD_LEGACY_ROUTES=yes"_s})
                                       << none << u"legacyRoutes"_s << u"true"_s;
    QTest::newRow("legacy-routes file")
        << UseConfig << Secrets << QStringList{u"h.conf:legacy_routes = On"_s} << u"legacyRoutes"_s
        << u"true"_s;
    QTest::newRow("dev flag") << QStringList{u"--dev"_s} << Secrets << none << u"devMode"_s
                              << u"true"_s;
    QTest::newRow("dev env") << none << withSecrets({u"HERALD_DEV=1"_s}) << none << u"devMode"_s
                             << u"true"_s;
    QTest::newRow("config from HERALD_CONFIG")
        << none << withSecrets({u"HERALD_CONFIG=@dir@/h.conf"_s})
        << QStringList{u"h.conf:# comment\n; comment\n\nws_port=7000\n"_s} << u"wsPort"_s
        << u"7000"_s;

    // Spellings and limits.
    QTest::newRow("bind localhost") << QStringList{u"--ws-bind"_s, u"localhost"_s} << Secrets
                                    << none << u"wsBind"_s << u"127.0.0.1"_s;
    QTest::newRow("bind *") << QStringList{u"--ws-bind"_s, u"*"_s} << Secrets << none << u"wsBind"_s
                            << u"0.0.0.0"_s;
    QTest::newRow("bind IPv6") << QStringList{u"--api-bind=::1"_s} << Secrets << none
                               << u"apiBind"_s << u"::1"_s;
    QTest::newRow("port 65535") << QStringList{u"--ws-port=65535"_s} << Secrets << none
                                << u"wsPort"_s << u"65535"_s;
    QTest::newRow("workers 64") << QStringList{u"--workers=64"_s} << Secrets << none << u"workers"_s
                                << u"64"_s;
    QTest::newRow("heartbeat 3600") << QStringList{u"--heartbeat-s=3600"_s} << Secrets << none
                                    << u"heartbeatMs"_s << u"3600000"_s;
    QTest::newRow("payload 1 KiB") << QStringList{u"--max-payload-bytes=1024"_s} << Secrets << none
                                   << u"maxPayloadBytes"_s << u"1024"_s;
    QTest::newRow("payload 16 MiB") << QStringList{u"--max-payload-bytes=16777216"_s} << Secrets
                                    << none << u"maxPayloadBytes"_s << u"16777216"_s;
    QTest::newRow("env value trimmed")
        << none << withSecrets({u"HERALD_WORKERS= 3 "_s}) << none << u"workers"_s << u"3"_s;
    QTest::newRow("history size 1")
        << QStringList{u"--history-size=1"_s} << Secrets << none << u"historySize"_s << u"1"_s;
    QTest::newRow("history size 1000000") << QStringList{u"--history-size=1000000"_s} << Secrets
                                          << none << u"historySize"_s << u"1000000"_s;
    QTest::newRow("client rate 1") << QStringList{u"--client-rate=1"_s} << Secrets << none
                                   << u"clientFramesPerSecond"_s << u"1"_s;
    QTest::newRow("client rate 10000") << QStringList{u"--client-rate=10000"_s} << Secrets << none
                                       << u"clientFramesPerSecond"_s << u"10000"_s;
    QTest::newRow("session buffer 4 KiB") << QStringList{u"--max-session-buffer=4096"_s} << Secrets
                                          << none << u"maxSessionBufferBytes"_s << u"4096"_s;
    QTest::newRow("session buffer 1 GiB")
        << QStringList{u"--max-session-buffer=1073741824"_s} << Secrets << none
        << u"maxSessionBufferBytes"_s << u"1073741824"_s;
    QTest::newRow("unread coalescing off") << QStringList{u"--unread-coalesce-ms=0"_s} << Secrets
                                           << none << u"unreadCoalesceMs"_s << u"0"_s;
    QTest::newRow("unread coalescing 60 s")
        << QStringList{u"--unread-coalesce-ms=60000"_s} << Secrets << none << u"unreadCoalesceMs"_s
        << u"60000"_s;
    QTest::newRow("one session per user") << QStringList{u"--max-sessions-per-user=1"_s} << Secrets
                                          << none << u"maxSessionsPerUser"_s << u"1"_s;
    QTest::newRow("sessions from the descriptor limit")
        << QStringList{u"--max-sessions=0"_s} << Secrets << none << u"maxSessions"_s << u"0"_s;
    QTest::newRow("one handshake per address")
        << QStringList{u"--max-handshakes-per-address=1"_s} << Secrets << none
        << u"maxHandshakesPerAddress"_s << u"1"_s;
    QTest::newRow("admin buffer 64 KiB") << QStringList{u"--max-admin-buffer=65536"_s} << Secrets
                                         << none << u"maxAdminBufferBytes"_s << u"65536"_s;
    QTest::newRow("store in any case")
        << QStringList{u"--store=SQLite"_s} << Secrets << none << u"store"_s << u"sqlite"_s;
    QTest::newRow("synchronous normal") << QStringList{u"--sqlite-synchronous=normal"_s} << Secrets
                                        << none << u"sqliteSynchronous"_s << u"normal"_s;
    QTest::newRow("synchronous in any case")
        << QStringList{u"--sqlite-synchronous=FULL"_s} << Secrets << none << u"sqliteSynchronous"_s
        << u"full"_s;

    // A relative data_dir in the file is relative to the file, elsewhere to the working directory.
    QTest::newRow("data-dir relative flag")
        << QStringList{u"--data-dir=store"_s} << Secrets << none << u"dataDir"_s << u"store"_s;
    QTest::newRow("data-dir relative env")
        << none << withSecrets({u"HERALD_DATA_DIR=store"_s}) << none << u"dataDir"_s << u"store"_s;
    QTest::newRow("data_dir relative in file")
        << UseConfig << Secrets << QStringList{u"h.conf:data_dir = store"_s} << u"dataDir"_s
        << u"@dir@/store"_s;
    QTest::newRow("data_dir nested in file")
        << UseConfig << Secrets << QStringList{u"h.conf:data_dir = var/herald"_s} << u"dataDir"_s
        << u"@dir@/var/herald"_s;

    // Duration spellings, in milliseconds.
    const auto duration = [&](const QString &text, const QString &field, const QString &ms) {
        const QString flag
            = field == u"trimIntervalMs" ? u"--trim-interval="_s : u"--history-ttl="_s;
        QTest::addRow("duration %s", qPrintable(text))
            << QStringList{flag + text} << Secrets << none << field << ms;
    };
    duration(u"250ms"_s, u"trimIntervalMs"_s, u"250"_s);
    duration(u"1ms"_s, u"trimIntervalMs"_s, u"1"_s);
    duration(u"2"_s, u"trimIntervalMs"_s, u"2000"_s);
    duration(u"0.5s"_s, u"trimIntervalMs"_s, u"500"_s);
    duration(u".5s"_s, u"trimIntervalMs"_s, u"500"_s);
    duration(u"1.5ms"_s, u"trimIntervalMs"_s, u"2"_s);
    duration(u"0.001"_s, u"trimIntervalMs"_s, u"1"_s);
    duration(u"15m"_s, u"trimIntervalMs"_s, u"900000"_s);
    duration(u"24d"_s, u"trimIntervalMs"_s, u"2073600000"_s);
    duration(u"1.5h"_s, u"historyTtlMs"_s, u"5400000"_s);
    duration(u"0.5d"_s, u"historyTtlMs"_s, u"43200000"_s);
    duration(u"36500d"_s, u"historyTtlMs"_s, u"3153600000000"_s);
    duration(u"007s"_s, u"historyTtlMs"_s, u"7000"_s);

    addSourceRows(u"drain-s"_s, u"HERALD_DRAIN_S"_s, u"drain_s"_s, u"2.5"_s, u"drainMs"_s,
                  u"2500"_s);
    QTest::newRow("drain zero") << QStringList{u"--drain-s"_s, u"0"_s} << Secrets << none
                                << u"drainMs"_s << u"0"_s;
    QTest::newRow("drain zero file")
        << UseConfig << Secrets << QStringList{u"h.conf:drain_s = 0.0"_s} << u"drainMs"_s << u"0"_s;
    QTest::newRow("drain an hour")
        << QStringList{u"--drain-s=3600"_s} << Secrets << none << u"drainMs"_s << u"3600000"_s;
}

void TestConfigLoader::eachSource()
{
    checkField();
}

void TestConfigLoader::precedence_data()
{
    addFieldColumns();
    const QStringList none;
    const QStringList wsPortFile{u"h.conf:ws_port = 3"_s};
    QTest::newRow("flag beats env")
        << QStringList{u"--ws-port=1"_s} << withSecrets({u"HERALD_WS_PORT=2"_s}) << none
        << u"wsPort"_s << u"1"_s;
    QTest::newRow("env beats file")
        << UseConfig << withSecrets({u"HERALD_WS_PORT=2"_s}) << wsPortFile << u"wsPort"_s << u"2"_s;
    QTest::newRow("flag beats file") << (UseConfig + QStringList{u"--ws-port=1"_s}) << Secrets
                                     << wsPortFile << u"wsPort"_s << u"1"_s;
    QTest::newRow("file beats default")
        << UseConfig << Secrets << wsPortFile << u"wsPort"_s << u"3"_s;
    const QStringList workersFile{u"h.conf:workers = 6"_s};
    QTest::newRow("workers: flag beats env and file")
        << (UseConfig + QStringList{u"--workers=4"_s}) << withSecrets({u"HERALD_WORKERS=5"_s})
        << workersFile << u"workers"_s << u"4"_s;
    QTest::newRow("workers: env beats file") << UseConfig << withSecrets({u"HERALD_WORKERS=5"_s})
                                             << workersFile << u"workers"_s << u"5"_s;
    QTest::newRow("bool: env off beats file on")
        << UseConfig << withSecrets({u"HERALD_LEGACY_ROUTES=off"_s})
        << QStringList{u"h.conf:legacy_routes = true"_s} << u"legacyRoutes"_s << u"false"_s;
    const QStringList ttlFile{u"h.conf:history_ttl = 3d"_s};
    QTest::newRow("history-ttl: flag beats env and file")
        << (UseConfig + QStringList{u"--history-ttl=1d"_s})
        << withSecrets({u"HERALD_HISTORY_TTL=2d"_s}) << ttlFile << u"historyTtlMs"_s
        << u"86400000"_s;
    QTest::newRow("history-ttl: env beats file")
        << UseConfig << withSecrets({u"HERALD_HISTORY_TTL=2d"_s}) << ttlFile << u"historyTtlMs"_s
        << u"172800000"_s;
    QTest::newRow("store: env beats file")
        << UseConfig << withSecrets({u"HERALD_STORE=sqlite"_s})
        << QStringList{u"h.conf:store = memory"_s} << u"store"_s << u"sqlite"_s;
    QTest::newRow("data-dir: env path stays relative to the working directory")
        << UseConfig << withSecrets({u"HERALD_DATA_DIR=d"_s})
        << QStringList{u"h.conf:data_dir = f"_s} << u"dataDir"_s << u"d"_s;
    QTest::newRow("empty env counts as unset")
        << UseConfig << withSecrets({u"HERALD_WS_PORT="_s}) << wsPortFile << u"wsPort"_s << u"3"_s;

    QTest::newRow("PORT fallback")
        << none << withSecrets({u"PORT=5000"_s}) << none << u"wsPort"_s << u"5000"_s;
    QTest::newRow("PORT does not move the API")
        << none << withSecrets({u"PORT=5000"_s}) << none << u"apiPort"_s << u"8081"_s;
    QTest::newRow("HERALD_WS_PORT beats PORT")
        << none << withSecrets({u"PORT=5000"_s, u"HERALD_WS_PORT=6000"_s}) << none << u"wsPort"_s
        << u"6000"_s;
    QTest::newRow("PORT beats file")
        << UseConfig << withSecrets({u"PORT=5000"_s}) << wsPortFile << u"wsPort"_s << u"5000"_s;
    QTest::newRow("flag beats PORT")
        << QStringList{u"--ws-port=1"_s} << withSecrets({u"PORT=5000"_s}) << none << u"wsPort"_s
        << u"1"_s;
}

void TestConfigLoader::precedence()
{
    checkField();
}

void TestConfigLoader::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("fragments"); // all must appear in the error
    QTest::addColumn<QString>("forbidden"); // must not appear (a secret's content)

    const QStringList none;
    const auto flag = [](const QString &name, const QString &value) {
        return QStringList{name, value};
    };
    const auto file = [](const QString &content) { return QStringList{u"h.conf:"_s + content}; };
    const auto frags = [](std::initializer_list<QString> list) { return QStringList(list); };

    QTest::newRow("broker scheme")
        << flag(u"--broker"_s, u"http://h:6379"_s) << Secrets << none
        << frags({u"--broker: "_s, u"scheme must be redis://"_s}) << QString();
    QTest::newRow("broker no scheme") << none << withSecrets({u"HERALD_BROKER=h:6379"_s}) << none
                                      << frags({u"HERALD_BROKER: "_s, u"redis://"_s}) << QString();
    QTest::newRow("broker port") << none << withSecrets({u"HERALD_BROKER=redis://h:99999"_s})
                                 << none
                                 << frags({u"HERALD_BROKER: "_s,
                                           u"port must be a number from 1 to 65535, not '99999'"_s})
                                 << QString();
    QTest::newRow("node name with a space")
        << flag(u"--node-name"_s, u"node a"_s) << Secrets << none
        << frags({u"--node-name: "_s, u"'node a' is not a name of 1-64 printable"_s}) << QString();
    QTest::newRow("node name too long")
        << none << withSecrets({u"HERALD_NODE_NAME="_s + QString(65, u'n')}) << none
        << frags({u"HERALD_NODE_NAME: "_s, u"1-64 printable"_s}) << QString();
    QTest::newRow("node name control character")
        << UseConfig << Secrets << file(u"node_name = a\tb"_s)
        << frags({u"node_name in @dir@/h.conf: "_s, u"1-64 printable"_s}) << QString();
    QTest::newRow("broker port missing")
        << flag(u"--broker"_s, u"redis://h"_s) << Secrets << none
        << frags({u"--broker: "_s, u"port is missing"_s}) << QString();
    QTest::newRow("broker host missing")
        << flag(u"--broker"_s, u"redis://:6379"_s) << Secrets << none
        << frags({u"--broker: "_s, u"host is missing"_s}) << QString();
    QTest::newRow("broker db") << UseConfig << Secrets << file(u"broker = redis://h:6379/x"_s)
                               << frags(
                                      {u"broker in @dir@/h.conf: "_s, u"database"_s, u"not 'x'"_s})
                               << QString();
    QTest::newRow("broker password not quoted")
        << flag(u"--broker"_s, u"redis://:topsecret@h:port"_s) << Secrets << none
        << frags({u"--broker: "_s, u"port must be"_s}) << u"topsecret"_s;
    QTest::newRow("broker password file unreadable")
        << QStringList{u"--broker"_s, u"redis://h:1"_s, u"--broker-password-file"_s,
                       u"@dir@/missing.pw"_s}
        << Secrets << none << frags({u"--broker-password-file: cannot read"_s, u"missing.pw"_s})
        << QString();
    QTest::newRow("broker password file empty")
        << QStringList{u"--broker"_s, u"redis://h:1"_s, u"--broker-password-file"_s,
                       u"@dir@/empty.pw"_s}
        << Secrets << QStringList{u"empty.pw: \n"_s}
        << frags({u"--broker-password-file: "_s, u"is empty"_s}) << QString();
    QTest::newRow("broker password file without broker")
        << QStringList{u"--broker-password-file"_s, u"@dir@/x.pw"_s} << Secrets
        << QStringList{u"x.pw:pw"_s}
        << frags({u"--broker-password-file: "_s, u"without --broker"_s}) << QString();
    const QStringList broker{u"--broker"_s, u"redis://h:1"_s};
    QTest::newRow("min replicas negative")
        << broker + flag(u"--broker-min-replicas"_s, u"-1"_s) << Secrets << none
        << frags({u"--broker-min-replicas: '-1' is not a whole number from 0 to 100"_s})
        << QString();
    QTest::newRow("min replicas too many")
        << none
        << withSecrets({u"HERALD_BROKER=redis://h:1"_s, u"HERALD_BROKER_MIN_REPLICAS=101"_s})
        << none << frags({u"HERALD_BROKER_MIN_REPLICAS: '101' is not"_s}) << QString();
    QTest::newRow("min replicas without broker")
        << flag(u"--broker-min-replicas"_s, u"1"_s) << Secrets << none
        << frags({u"--broker-min-replicas: "_s, u"no --broker"_s}) << QString();
    QTest::newRow("replica timeout zero")
        << broker + flag(u"--broker-replica-timeout"_s, u"0"_s) << Secrets << none
        << frags({u"--broker-replica-timeout: '0' is not a duration from 1ms to 10s"_s})
        << QString();
    QTest::newRow("replica timeout too long")
        << UseConfig << Secrets << file(u"broker_replica_timeout = 11s"_s)
        << frags({u"broker_replica_timeout in @dir@/h.conf: '11s' is not"_s}) << QString();
    QTest::newRow("migrate without broker")
        << QStringList{u"--migrate-to-broker"_s} << Secrets << none
        << frags({u"--migrate-to-broker: needs --broker"_s}) << QString();
    QTest::newRow("migrate from memory")
        << broker + QStringList{u"--migrate-to-broker"_s, u"--store"_s, u"memory"_s} << Secrets
        << none << frags({u"--migrate-to-broker: copies the SQLite store"_s}) << QString();
    QTest::newRow("migrate force alone")
        << broker + QStringList{u"--migrate-force"_s} << Secrets << none
        << frags({u"--migrate-force: only with --migrate-to-broker"_s}) << QString();
    QTest::newRow("port not a number")
        << flag(u"--ws-port"_s, u"abc"_s) << Secrets << none
        << QStringList{u"--ws-port: 'abc' is not a port number (0-65535)"_s} << QString();
    QTest::newRow("port too big") << none << withSecrets({u"HERALD_WS_PORT=65536"_s}) << none
                                  << frags({u"HERALD_WS_PORT"_s, u"'65536'"_s}) << QString();
    QTest::newRow("port negative in file")
        << UseConfig << Secrets << file(u"api_port = -1"_s)
        << frags({u"api_port in @dir@/h.conf"_s, u"'-1'"_s}) << QString();
    QTest::newRow("PORT not a number")
        << none << withSecrets({u"PORT=http"_s}) << none << frags({u"PORT: 'http'"_s}) << QString();
    QTest::newRow("port with decimals") << flag(u"--api-port"_s, u"80.5"_s) << Secrets << none
                                        << frags({u"--api-port"_s, u"'80.5'"_s}) << QString();
    QTest::newRow("workers negative")
        << flag(u"--workers"_s, u"-1"_s) << Secrets << none
        << frags({u"--workers"_s, u"'-1'"_s, u"0 to 64"_s}) << QString();
    QTest::newRow("workers huge") << none << withSecrets({u"HERALD_WORKERS=65"_s}) << none
                                  << frags({u"HERALD_WORKERS"_s, u"'65'"_s}) << QString();
    QTest::newRow("workers not a number") << UseConfig << Secrets << file(u"workers = many"_s)
                                          << frags({u"workers in"_s, u"'many'"_s}) << QString();
    QTest::newRow("heartbeat zero")
        << flag(u"--heartbeat-s"_s, u"0"_s) << Secrets << none
        << frags({u"--heartbeat-s"_s, u"'0'"_s, u"seconds"_s}) << QString();
    QTest::newRow("heartbeat negative") << none << withSecrets({u"HERALD_HEARTBEAT_S=-1"_s}) << none
                                        << frags({u"HERALD_HEARTBEAT_S"_s, u"'-1'"_s}) << QString();
    QTest::newRow("heartbeat over an hour")
        << UseConfig << Secrets << file(u"heartbeat_s = 3601"_s)
        << frags({u"heartbeat_s in"_s, u"'3601'"_s}) << QString();
    QTest::newRow("heartbeat nan") << flag(u"--heartbeat-s"_s, u"nan"_s) << Secrets << none
                                   << frags({u"'nan'"_s}) << QString();
    QTest::newRow("heartbeat under 1 ms") << flag(u"--heartbeat-s"_s, u"0.0001"_s) << Secrets
                                          << none << frags({u"'0.0001'"_s}) << QString();
    // Rounded to int milliseconds before the sign was checked: undefined behaviour (UBSan).
    QTest::newRow("heartbeat hugely negative") << flag(u"--heartbeat-s"_s, u"-1e10"_s) << Secrets
                                               << none << frags({u"'-1e10'"_s}) << QString();
    QTest::newRow("heartbeat minus infinity") << flag(u"--heartbeat-s"_s, u"-inf"_s) << Secrets
                                              << none << frags({u"'-inf'"_s}) << QString();
    QTest::newRow("handshake timeout text")
        << none << withSecrets({u"HERALD_HANDSHAKE_TIMEOUT_S=soon"_s}) << none
        << frags({u"HERALD_HANDSHAKE_TIMEOUT_S"_s, u"'soon'"_s}) << QString();
    QTest::newRow("api idle timeout zero")
        << flag(u"--api-idle-timeout-s"_s, u"0"_s) << Secrets << none
        << frags({u"--api-idle-timeout-s"_s}) << QString();
    QTest::newRow("payload too small") << flag(u"--max-payload-bytes"_s, u"1023"_s) << Secrets
                                       << none << frags({u"'1023'"_s, u"1024"_s}) << QString();
    QTest::newRow("payload too big")
        << none << withSecrets({u"HERALD_MAX_PAYLOAD_BYTES=16777217"_s}) << none
        << frags({u"'16777217'"_s}) << QString();

    // Limits against hostile clients.
    QTest::newRow("session buffer too small")
        << flag(u"--max-session-buffer"_s, u"4095"_s) << Secrets << none
        << frags({u"--max-session-buffer: '4095' is not a byte count from 4096 to 1073741824"_s})
        << QString();
    QTest::newRow("session buffer too big")
        << none << withSecrets({u"HERALD_MAX_SESSION_BUFFER=1073741825"_s}) << none
        << frags({u"HERALD_MAX_SESSION_BUFFER"_s, u"'1073741825'"_s}) << QString();
    QTest::newRow("session buffer with unit")
        << UseConfig << Secrets << file(u"max_session_buffer = 1MiB"_s)
        << frags({u"max_session_buffer in"_s, u"'1MiB'"_s}) << QString();
    QTest::newRow("unread coalescing negative")
        << flag(u"--unread-coalesce-ms"_s, u"-1"_s) << Secrets << none
        << frags({u"--unread-coalesce-ms: '-1' is not a whole number from 0 to 60000"_s})
        << QString();
    QTest::newRow("unread coalescing over a minute")
        << none << withSecrets({u"HERALD_UNREAD_COALESCE_MS=60001"_s}) << none
        << frags({u"HERALD_UNREAD_COALESCE_MS"_s, u"'60001'"_s}) << QString();
    QTest::newRow("no sessions per user")
        << flag(u"--max-sessions-per-user"_s, u"0"_s) << Secrets << none
        << frags({u"--max-sessions-per-user: '0' is not a whole number from 1 to 10000000"_s})
        << QString();
    QTest::newRow("sessions negative") << UseConfig << Secrets << file(u"max_sessions = -1"_s)
                                       << frags({u"max_sessions in"_s, u"'-1'"_s}) << QString();
    QTest::newRow("sessions text") << flag(u"--max-sessions"_s, u"auto"_s) << Secrets << none
                                   << frags({u"--max-sessions"_s, u"'auto'"_s}) << QString();
    QTest::newRow("no handshakes")
        << none << withSecrets({u"HERALD_MAX_HANDSHAKES=0"_s}) << none
        << frags({u"HERALD_MAX_HANDSHAKES: '0' is not a whole number from 1"_s}) << QString();
    QTest::newRow("no handshakes per address")
        << UseConfig << Secrets << file(u"max_handshakes_per_address = 0"_s)
        << frags({u"max_handshakes_per_address in"_s, u"'0'"_s}) << QString();
    QTest::newRow("admin buffer too small")
        << flag(u"--max-admin-buffer"_s, u"65535"_s) << Secrets << none
        << frags({u"--max-admin-buffer: '65535' is not a byte count from 65536"_s}) << QString();

    // Store options.
    QTest::newRow("bad store kind")
        << flag(u"--store"_s, u"disk"_s) << Secrets << none
        << frags({u"--store: 'disk' is not 'sqlite' or 'memory'"_s}) << QString();
    QTest::newRow("bad store kind env") << none << withSecrets({u"HERALD_STORE=postgres"_s}) << none
                                        << frags({u"HERALD_STORE: 'postgres'"_s}) << QString();
    QTest::newRow("bad store kind file")
        << UseConfig << Secrets << file(u"store = sqlite3"_s)
        << frags({u"store in @dir@/h.conf: 'sqlite3'"_s}) << QString();
    QTest::newRow("empty store in file") << UseConfig << Secrets << file(u"store ="_s)
                                         << frags({u"store in"_s, u"''"_s}) << QString();
    QTest::newRow("bad event loop")
        << flag(u"--event-loop"_s, u"select"_s) << Secrets << none
        << frags({u"--event-loop: 'select' is not 'epoll' or 'qt'"_s}) << QString();
    QTest::newRow("bad event loop env")
        << none << withSecrets({u"HERALD_EVENT_LOOP=glib"_s}) << none
        << frags({u"HERALD_EVENT_LOOP: 'glib'"_s}) << QString();
    QTest::newRow("bad event loop file")
        << UseConfig << Secrets << file(u"event_loop = poll"_s)
        << frags({u"event_loop in @dir@/h.conf: 'poll'"_s}) << QString();
    QTest::newRow("bad synchronous")
        << flag(u"--sqlite-synchronous"_s, u"off"_s) << Secrets << none
        << frags({u"--sqlite-synchronous: 'off' is not 'normal' or 'full'"_s}) << QString();
    QTest::newRow("bad synchronous env")
        << none << withSecrets({u"HERALD_SQLITE_SYNCHRONOUS=extra"_s}) << none
        << frags({u"HERALD_SQLITE_SYNCHRONOUS: 'extra'"_s}) << QString();
    QTest::newRow("bad synchronous file")
        << UseConfig << Secrets << file(u"sqlite_synchronous = 2"_s)
        << frags({u"sqlite_synchronous in"_s, u"'2'"_s}) << QString();
    QTest::newRow("empty data dir")
        << QStringList{u"--data-dir="_s} << Secrets << none
        << frags({u"--data-dir: '' is not a folder name"_s}) << QString();
    QTest::newRow("empty data_dir in file") << UseConfig << Secrets << file(u"data_dir = "_s)
                                            << frags({u"data_dir in"_s, u"''"_s}) << QString();
    QTest::newRow("history size 0")
        << flag(u"--history-size"_s, u"0"_s) << Secrets << none
        << frags({u"--history-size: '0' is not a whole number from 1 to 1000000"_s}) << QString();
    QTest::newRow("history size too big")
        << none << withSecrets({u"HERALD_HISTORY_SIZE=1000001"_s}) << none
        << frags({u"HERALD_HISTORY_SIZE"_s, u"'1000001'"_s}) << QString();
    QTest::newRow("history size negative") << UseConfig << Secrets << file(u"history_size = -5"_s)
                                           << frags({u"history_size in"_s, u"'-5'"_s}) << QString();
    QTest::newRow("history size text") << flag(u"--history-size"_s, u"ten"_s) << Secrets << none
                                       << frags({u"'ten'"_s}) << QString();
    QTest::newRow("client rate 0")
        << flag(u"--client-rate"_s, u"0"_s) << Secrets << none
        << frags({u"--client-rate: '0' is not a whole number from 1 to 10000"_s}) << QString();
    QTest::newRow("client rate too big")
        << none << withSecrets({u"HERALD_CLIENT_RATE=10001"_s}) << none
        << frags({u"HERALD_CLIENT_RATE"_s, u"'10001'"_s}) << QString();
    QTest::newRow("client rate decimals") << UseConfig << Secrets << file(u"client_rate = 1.5"_s)
                                          << frags({u"client_rate in"_s, u"'1.5'"_s}) << QString();

    // Durations: each class of bad text, from each source.
    const QString durationHint = u"is not a duration from 1ms to 36500d"_s;
    const auto badTtl = [&](const char *name, const QString &value) {
        QTest::newRow(name) << flag(u"--history-ttl"_s, value) << Secrets << none
                            << frags({u"--history-ttl: '%1' %2"_s.arg(value, durationHint)})
                            << QString();
    };
    badTtl("duration zero", u"0"_s);
    badTtl("duration zero seconds", u"0s"_s);
    badTtl("duration zero ms", u"0.0ms"_s);
    badTtl("duration rounds to 0 ms", u"0.4ms"_s);
    badTtl("duration under 1 ms", u"0.0001"_s);
    badTtl("duration negative", u"-1s"_s);
    badTtl("duration plus sign", u"+5s"_s);
    badTtl("duration garbage", u"soon"_s);
    badTtl("duration unit only", u"s"_s);
    badTtl("duration two dots", u"1.2.3s"_s);
    badTtl("duration exponent", u"1e3"_s);
    badTtl("duration nan", u"nan"_s);
    badTtl("duration inf", u"inf"_s);
    badTtl("duration inner space", u"5 s"_s);
    badTtl("duration two units", u"1h30m"_s);
    badTtl("duration unit w", u"2w"_s);
    badTtl("duration unit sec", u"10sec"_s);
    badTtl("duration unit upper case", u"1H"_s);
    badTtl("duration unit us", u"5us"_s);
    badTtl("duration over a century", u"36501d"_s);
    badTtl("duration overflow", u"99999999999999999999999d"_s);
    QTest::newRow("duration negative env")
        << none << withSecrets({u"HERALD_TRIM_INTERVAL=-1s"_s}) << none
        << frags({u"HERALD_TRIM_INTERVAL: '-1s' is not a duration from 1ms to 24d"_s}) << QString();
    QTest::newRow("trim interval over 24d") << flag(u"--trim-interval"_s, u"25d"_s) << Secrets
                                            << none << frags({u"'25d'"_s, u"24d"_s}) << QString();
    QTest::newRow("duration garbage file")
        << UseConfig << Secrets << file(u"idempotency_ttl = a day"_s)
        << frags({u"idempotency_ttl in @dir@/h.conf: 'a day' is not a duration"_s}) << QString();
    QTest::newRow("duration bad unit env")
        << none << withSecrets({u"HERALD_IDEMPOTENCY_TTL=3y"_s}) << none
        << frags({u"HERALD_IDEMPOTENCY_TTL: '3y'"_s, u"ms, s, m, h or d"_s}) << QString();
    QTest::newRow("duration zero file") << UseConfig << Secrets << file(u"trim_interval = 0ms"_s)
                                        << frags({u"trim_interval in"_s, u"'0ms'"_s}) << QString();

    QTest::newRow("bad address") << flag(u"--ws-bind"_s, u"999.1.1.1"_s) << Secrets << none
                                 << frags({u"--ws-bind: '999.1.1.1' is not an IP address"_s})
                                 << QString();
    QTest::newRow("host name as address") << none << withSecrets({u"HERALD_API_BIND=example.com"_s})
                                          << none << frags({u"HERALD_API_BIND"_s}) << QString();
    QTest::newRow("bad bool env") << none << withSecrets({u"HERALD_LEGACY_ROUTES=maybe"_s}) << none
                                  << frags({u"HERALD_LEGACY_ROUTES: 'maybe' is not a boolean"_s})
                                  << QString();
    QTest::newRow("bad bool file") << UseConfig << Secrets << file(u"legacy_routes = 2"_s)
                                   << frags({u"legacy_routes in"_s, u"'2'"_s}) << QString();
    for (const QString &origin :
         {u"ops.example.com"_s, u"ftp://ops.example.com"_s, u"https://ops.example.com/"_s,
          u"https://ops.example.com/x"_s, u"https://user@ops.example.com"_s,
          u"https://ops.example.com?q"_s, u"null"_s, u"*"_s}) {
        QTest::addRow("bad admin origin %s", qPrintable(origin))
            << flag(u"--admin-allowed-origins"_s, origin) << Secrets << none
            << frags(
                   {u"--admin-allowed-origins: '%1' is not a comma-separated list of origins"_s.arg(
                       origin)})
            << QString();
    }
    // allowed_origins names the bad entry and what is wrong with it (tst_originpolicy has them
    // all).
    QTest::newRow("allowed origin with path")
        << flag(u"--allowed-origins"_s, u"https://a.example.com, https://b.example.com/"_s)
        << Secrets << none
        << frags({u"--allowed-origins: 'https://b.example.com/' is not just an origin"_s})
        << QString();
    QTest::newRow("allowed origin null env")
        << none << withSecrets({u"HERALD_ALLOWED_ORIGINS=null"_s}) << none
        << frags({u"HERALD_ALLOWED_ORIGINS: 'null' cannot be allowed"_s}) << QString();
    QTest::newRow("allowed origin bad pattern file")
        << UseConfig << Secrets << file(u"allowed_origins = https://*.com"_s)
        << frags({u"allowed_origins in"_s, u"'https://*.com' matches every host under 'com'"_s})
        << QString();
    // trusted_proxies names the bad entry (tst_trustedproxies has them all).
    QTest::newRow("trusted proxy not an address")
        << flag(u"--trusted-proxies"_s, u"10.0.0.0/8, proxy.example.com"_s) << Secrets << none
        << frags({u"--trusted-proxies: 'proxy.example.com' is not an IP address"_s}) << QString();
    QTest::newRow("trusted proxy bad prefix file")
        << UseConfig << Secrets << file(u"trusted_proxies = 10.0.0.0/33"_s)
        << frags({u"trusted_proxies in"_s, u"'10.0.0.0/33' has prefix length '33'"_s}) << QString();
    QTest::newRow("proxy protocol bad bool")
        << none << withSecrets({u"HERALD_PROXY_PROTOCOL=perhaps"_s}) << none
        << frags({u"HERALD_PROXY_PROTOCOL: 'perhaps' is not a boolean"_s}) << QString();
    QTest::newRow("max sessions per token negative")
        << flag(u"--max-sessions-per-token"_s, u"-1"_s) << Secrets << none
        << frags({u"--max-sessions-per-token: '-1' is not a whole number from 0"_s}) << QString();
    QTest::newRow("enforce token expiry bad bool")
        << none << withSecrets({u"HERALD_ENFORCE_TOKEN_EXPIRY=maybe"_s}) << none
        << frags({u"HERALD_ENFORCE_TOKEN_EXPIRY: 'maybe' is not a boolean"_s}) << QString();
    QTest::newRow("api min body rate too low")
        << flag(u"--api-min-body-rate"_s, u"10"_s) << Secrets << none
        << frags({u"--api-min-body-rate: '10' is not a whole number from 1024"_s}) << QString();
    QTest::newRow("api head timeout zero")
        << flag(u"--api-head-timeout-s"_s, u"0"_s) << Secrets << none
        << frags({u"--api-head-timeout-s: '0'"_s}) << QString();
    QTest::newRow("bad HERALD_DEV") << none << withSecrets({u"HERALD_DEV=sure"_s}) << none
                                    << frags({u"HERALD_DEV"_s, u"'sure'"_s}) << QString();

    QTest::newRow("missing config file")
        << flag(u"--config"_s, u"@dir@/nope.conf"_s) << Secrets << none
        << frags({u"--config"_s, u"'@dir@/nope.conf'"_s}) << QString();
    QTest::newRow("missing config from env")
        << none << withSecrets({u"HERALD_CONFIG=@dir@/nope.conf"_s}) << none
        << frags({u"HERALD_CONFIG"_s, u"@dir@/nope.conf"_s}) << QString();
    QTest::newRow("unknown INI key")
        << UseConfig << Secrets << file(u"# typo below\nws_prot = 1\n"_s)
        << frags({u"@dir@/h.conf:2: unknown key 'ws_prot'"_s}) << QString();
    QTest::newRow("dev is not an INI key") << UseConfig << Secrets << file(u"dev = true"_s)
                                           << frags({u"unknown key 'dev'"_s}) << QString();
    QTest::newRow("INI section") << UseConfig << Secrets << file(u"[server]\nws_port = 1"_s)
                                 << frags({u"h.conf:1"_s, u"sections"_s}) << QString();
    QTest::newRow("INI line without =") << UseConfig << Secrets << file(u"ws_port 80"_s)
                                        << frags({u"h.conf:1"_s, u"key = value"_s}) << QString();
    QTest::newRow("INI key twice")
        << UseConfig << Secrets << file(u"workers = 1\nworkers = 2"_s)
        << frags({u"h.conf:2"_s, u"'workers' is set twice"_s}) << QString();
    const QString leaked = u"this-must-never-be-printed-0123456789"_s;
    QTest::newRow("secret as INI value") << UseConfig << Secrets << file(u"secret = "_s + leaked)
                                         << frags({u"'secret'"_s, u"secret_file"_s}) << leaked;
    QTest::newRow("api_key as INI value") << UseConfig << Secrets << file(u"api_key = "_s + leaked)
                                          << frags({u"'api_key'"_s, u"api_key_file"_s}) << leaked;
    QTest::newRow("secret as flag") << flag(u"--secret"_s, leaked) << Secrets << none
                                    << frags({u"--secret:"_s, u"HERALD_SECRET"_s}) << leaked;
    QTest::newRow("api key as flag") << QStringList{u"--api-key="_s + leaked} << Secrets << none
                                     << frags({u"--api-key:"_s, u"HERALD_API_KEY"_s}) << leaked;

    QTest::newRow("no secret") << none << QStringList{u"HERALD_API_KEY=k"_s} << none
                               << frags({u"HERALD_SECRET (or --secret-file) is required; use --dev "
                                         u"for a local throwaway setup"_s})
                               << QString();
    QTest::newRow("no api key") << none << QStringList{u"HERALD_SECRET="_s + Secret} << none
                                << frags({u"HERALD_API_KEY (or --api-key-file) is required"_s})
                                << QString();
    const QString weak = u"short-secret"_s;
    QTest::newRow("short secret") << none
                                  << QStringList{u"HERALD_SECRET="_s + weak, u"HERALD_API_KEY=k"_s}
                                  << none << frags({u"HERALD_SECRET"_s, u"12 bytes"_s, u"HS256"_s})
                                  << weak;
    const QString weakFile = u"w.key:"_s + QString(31, u'x') + u'\n';
    QTest::newRow("short secret file")
        << flag(u"--secret-file"_s, u"@dir@/w.key"_s) << QStringList{u"HERALD_API_KEY=k"_s}
        << QStringList{weakFile} << frags({u"'@dir@/w.key'"_s, u"31 bytes"_s}) << QString(31, u'x');
    QTest::newRow("missing secret file")
        << flag(u"--secret-file"_s, u"@dir@/none.key"_s) << QStringList{u"HERALD_API_KEY=k"_s}
        << none << frags({u"--secret-file"_s, u"'@dir@/none.key'"_s}) << QString();
    QTest::newRow("secret file is a folder")
        << none << QStringList{u"HERALD_SECRET_FILE=@dir@/sub"_s, u"HERALD_API_KEY=k"_s}
        << QStringList{u"sub/"_s} << frags({u"HERALD_SECRET_FILE"_s, u"'@dir@/sub'"_s})
        << QString();
    QTest::newRow("secrets file without kid")
        << flag(u"--secrets-file"_s, u"@dir@/r.keys"_s) << Secrets
        << QStringList{u"r.keys:"_s + QString(40, u'x')}
        << frags({u"r.keys' line 1"_s, u"<kid> <secret>"_s}) << QString(40, u'x');
    QTest::newRow("secrets file short secret")
        << flag(u"--secrets-file"_s, u"@dir@/r.keys"_s) << Secrets
        << QStringList{u"r.keys:k1 "_s + QString(40, u'x') + u"\nk2 short"_s}
        << frags({u"line 2"_s, u"5 bytes"_s}) << u"short"_s;
    QTest::newRow("secrets file repeated kid")
        << flag(u"--secrets-file"_s, u"@dir@/r.keys"_s) << Secrets
        << QStringList{u"r.keys:k1 "_s + QString(40, u'x') + u"\nk1 "_s + QString(40, u'y')}
        << frags({u"line 2"_s, u"kid 'k1' appears twice"_s}) << QString(40, u'y');
    QTest::newRow("secrets file bad kid")
        << flag(u"--secrets-file"_s, u"@dir@/r.keys"_s) << Secrets
        << QStringList{u"r.keys:k/1 "_s + QString(40, u'x')} << frags({u"line 1"_s}) << QString();
    QTest::newRow("secrets file empty")
        << flag(u"--secrets-file"_s, u"@dir@/r.keys"_s) << Secrets
        << QStringList{u"r.keys:# nothing\n"_s} << frags({u"holds no secret"_s}) << QString();
    QTest::newRow("empty api key file")
        << UseConfig << QStringList{u"HERALD_SECRET="_s + Secret}
        << QStringList{u"h.conf:api_key_file = a.key"_s, u"a.key: \n\n"_s}
        << frags({u"api_key_file in"_s, u"@dir@/a.key"_s, u"is empty"_s}) << QString();

    QTest::newRow("unknown flag") << QStringList{u"--colour"_s} << Secrets << none
                                  << frags({u"Unknown option 'colour'"_s}) << QString();
    QTest::newRow("flag without value")
        << QStringList{u"--ws-port"_s} << Secrets << none << frags({u"ws-port"_s}) << QString();
    QTest::newRow("positional argument") << QStringList{u"extra"_s} << Secrets << none
                                         << frags({u"unexpected argument 'extra'"_s}) << QString();
    // Found by fuzz_config: values were quoted as given, so a newline broke the one-line message.
    QTest::newRow("newline in a value") << flag(u"--workers"_s, u"6\n5"_s) << Secrets << none
                                        << frags({u"--workers: '6\\n5' is not"_s}) << QString();
    QTest::newRow("newline in an unknown flag") << QStringList{u"--col\r\nour"_s} << Secrets << none
                                                << frags({u"'col\\r\\nour'"_s}) << QString();
    QTest::newRow("drain negative")
        << flag(u"--drain-s"_s, u"-1"_s) << Secrets << none
        << frags({u"--drain-s"_s, u"'-1'"_s, u"0 to 3600"_s}) << QString();
    QTest::newRow("drain over an hour") << UseConfig << Secrets << file(u"drain_s = 3601"_s)
                                        << frags({u"drain_s in"_s, u"'3601'"_s}) << QString();
    QTest::newRow("drain nan") << none << withSecrets({u"HERALD_DRAIN_S=nan"_s}) << none
                               << frags({u"HERALD_DRAIN_S"_s, u"'nan'"_s}) << QString();
    QTest::newRow("drain under 1 ms") << flag(u"--drain-s"_s, u"0.0001"_s) << Secrets << none
                                      << frags({u"'0.0001'"_s}) << QString();
}

void TestConfigLoader::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(QStringList, files);
    QFETCH(QStringList, fragments);
    QFETCH(QString, forbidden);
    const ConfigResult result = load(args, env, files);
    QCOMPARE(result.kind, ConfigResult::Kind::Error);
    QVERIFY2(!result.text.contains(u'\n') && !result.text.contains(u'\r'), qPrintable(result.text));
    for (const QString &fragment : fragments) {
        if (!result.text.contains(expand(fragment)))
            QFAIL(qPrintable(u"'%1' not in: %2"_s.arg(expand(fragment), result.text)));
    }
    if (!forbidden.isEmpty())
        QVERIFY2(!result.text.contains(forbidden), qPrintable(result.text));
}

void TestConfigLoader::secretSources_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("apiKey");

    const QString other = u"ffffffffffffffffffffffffffffffff-other"_s;
    const QStringList keyFiles{u"s.key:"_s + Secret + u'\n', u"a.key:"_s + ApiKey + u"\r\n"_s,
                               u"o.key:"_s + other + u"  \n\n"_s};
    const QStringList none;
    QTest::newRow("values from env") << none << Secrets << none << Secret << ApiKey;
    QTest::newRow("env value trimmed")
        << none
        << QStringList{u"HERALD_SECRET="_s + Secret + u"\n"_s, u"HERALD_API_KEY="_s + ApiKey}
        << none << Secret << ApiKey;
    QTest::newRow("file flags") << QStringList{u"--secret-file"_s, u"@dir@/s.key"_s,
                                               u"--api-key-file=@dir@/a.key"_s}
                                << none << keyFiles << Secret << ApiKey;
    QTest::newRow("file env") << none
                              << QStringList{u"HERALD_SECRET_FILE=@dir@/o.key"_s,
                                             u"HERALD_API_KEY_FILE=@dir@/a.key"_s}
                              << keyFiles << other << ApiKey;
    QTest::newRow("file keys, relative to the config")
        << UseConfig << none
        << (keyFiles + QStringList{u"h.conf:secret_file = s.key\napi_key_file = @dir@/a.key"_s})
        << Secret << ApiKey;
    QTest::newRow("flag path beats HERALD_SECRET")
        << QStringList{u"--secret-file=@dir@/o.key"_s} << Secrets << keyFiles << other << ApiKey;
    QTest::newRow("HERALD_SECRET beats HERALD_SECRET_FILE")
        << none << withSecrets({u"HERALD_SECRET_FILE=@dir@/o.key"_s}) << keyFiles << Secret
        << ApiKey;
    QTest::newRow("HERALD_SECRET_FILE beats secret_file")
        << UseConfig << QStringList{u"HERALD_SECRET_FILE=@dir@/o.key"_s, u"HERALD_API_KEY=k"_s}
        << (keyFiles + QStringList{u"h.conf:secret_file = s.key"_s}) << other << u"k"_s;
}

void TestConfigLoader::secretSources()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(QStringList, files);
    QFETCH(QString, secret);
    QFETCH(QString, apiKey);
    const ConfigResult result = load(args, env, files);
    QCOMPARE(result.text, QString());
    QCOMPARE(result.config.secret, secret.toUtf8());
    QCOMPARE(result.config.apiKey, apiKey.toUtf8());
    QVERIFY(!result.config.devMode);
}

void TestConfigLoader::devGeneratesSecrets()
{
    const ConfigResult first = load({u"--dev"_s}, {}, {});
    const ConfigResult second = load({}, {u"HERALD_DEV=true"_s}, {});
    for (const ConfigResult &result : {first, second}) {
        QCOMPARE(result.kind, ConfigResult::Kind::Run);
        QVERIFY(result.config.devMode);
        QVERIFY(result.config.secret.size() >= ConfigLoader::MinSecretBytes);
        QVERIFY(!result.config.apiKey.isEmpty());
        QVERIFY(result.config.secret != result.config.apiKey);
    }
    QVERIFY(first.config.secret != second.config.secret);
    QVERIFY(first.config.apiKey != second.config.apiKey);
}

void TestConfigLoader::devKeepsProvidedSecrets()
{
    const ConfigResult result = load({u"--dev"_s}, {u"HERALD_SECRET=short"_s}, {});
    QCOMPARE(result.kind, ConfigResult::Kind::Run);
    QCOMPARE(result.config.secret, QByteArray("short")); // --dev also accepts a weak secret
    QVERIFY(!result.config.apiKey.isEmpty());
}

void TestConfigLoader::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<ConfigResult::Kind>("kind");
    using Kind = ConfigResult::Kind;
    QTest::newRow("--help") << QStringList{u"--help"_s} << Kind::Help;
    QTest::newRow("-h") << QStringList{u"-h"_s} << Kind::Help;
    QTest::newRow("--help-all") << QStringList{u"--help-all"_s} << Kind::Help;
    QTest::newRow("help before validation")
        << QStringList{u"--ws-port=abc"_s, u"--help"_s} << Kind::Help;
    QTest::newRow("--version") << QStringList{u"--version"_s} << Kind::Version;
    QTest::newRow("-v") << QStringList{u"-v"_s} << Kind::Version;
}

// No secrets in the environment: help and version must not need them.
void TestConfigLoader::helpAndVersion()
{
    QFETCH(QStringList, args);
    QFETCH(ConfigResult::Kind, kind);
    const ConfigResult result = load(args, {}, {});
    QCOMPARE(result.kind, kind);
    if (kind == ConfigResult::Kind::Version)
        QCOMPARE(result.text, u"herald-server 9.8.7"_s);
    else
        QVERIFY(result.text.contains(u"Usage:"_s));
}

void TestConfigLoader::helpIsComplete()
{
    const QString help = load({u"--help"_s}, {}, {}).text;
    const QStringList expected{
        u"--ws-port <port>"_s,
        u"HERALD_WS_PORT or PORT"_s,
        u"ws_port"_s,
        u"default 8080"_s,
        u"--ws-bind <address>"_s,
        u"HERALD_WS_BIND"_s,
        u"ws_bind"_s,
        u"default 127.0.0.1"_s,
        u"--api-port <port>"_s,
        u"HERALD_API_PORT"_s,
        u"api_port"_s,
        u"default 8081"_s,
        u"--api-bind <address>"_s,
        u"HERALD_API_BIND"_s,
        u"api_bind"_s,
        u"--workers <count>"_s,
        u"HERALD_WORKERS"_s,
        u"default 0"_s,
        u"--heartbeat-s <seconds>"_s,
        u"HERALD_HEARTBEAT_S"_s,
        u"heartbeat_s"_s,
        u"default 30"_s,
        u"--handshake-timeout-s"_s,
        u"HERALD_HANDSHAKE_TIMEOUT_S"_s,
        u"handshake_timeout_s"_s,
        u"default 10"_s,
        u"--api-idle-timeout-s"_s,
        u"HERALD_API_IDLE_TIMEOUT_S"_s,
        u"api_idle_timeout_s"_s,
        u"default 60"_s,
        u"--max-payload-bytes"_s,
        u"HERALD_MAX_PAYLOAD_BYTES"_s,
        u"max_payload_bytes"_s,
        u"default 65536"_s,
        u"--event-loop <kind>"_s,
        u"HERALD_EVENT_LOOP"_s,
        u"event_loop"_s,
        u"default epoll"_s,
        u"--client-rate <frames>"_s,
        u"HERALD_CLIENT_RATE"_s,
        u"client_rate"_s,
        u"default 20"_s,
        u"--max-session-buffer <bytes>"_s,
        u"HERALD_MAX_SESSION_BUFFER"_s,
        u"max_session_buffer"_s,
        u"default 1048576"_s,
        u"--unread-coalesce-ms <ms>"_s,
        u"HERALD_UNREAD_COALESCE_MS"_s,
        u"unread_coalesce_ms"_s,
        u"default 250"_s,
        u"--max-sessions-per-user <count>"_s,
        u"HERALD_MAX_SESSIONS_PER_USER"_s,
        u"max_sessions_per_user"_s,
        u"default 32"_s,
        u"--max-sessions <count>"_s,
        u"HERALD_MAX_SESSIONS"_s,
        u"max_sessions;"_s,
        u"default 0 (open-file limit - 1024)"_s,
        u"--max-handshakes <count>"_s,
        u"HERALD_MAX_HANDSHAKES"_s,
        u"max_handshakes;"_s,
        u"default 1024"_s,
        u"--max-handshakes-per-address <count>"_s,
        u"HERALD_MAX_HANDSHAKES_PER_ADDRESS"_s,
        u"max_handshakes_per_address"_s,
        u"default 128"_s,
        u"--max-admin-buffer <bytes>"_s,
        u"HERALD_MAX_ADMIN_BUFFER"_s,
        u"max_admin_buffer"_s,
        u"default 8388608"_s,
        u"--store <kind>"_s,
        u"HERALD_STORE"_s,
        u"file key store;"_s,
        u"default sqlite"_s,
        u"--data-dir <folder>"_s,
        u"HERALD_DATA_DIR"_s,
        u"data_dir"_s,
        u"default herald-data"_s,
        u"--sqlite-synchronous <mode>"_s,
        u"HERALD_SQLITE_SYNCHRONOUS"_s,
        u"sqlite_synchronous"_s,
        u"default normal"_s,
        u"'normal': every acknowledged push survives a crash of herald-server (kill -9); a power "
        u"loss or OS crash may lose the last pushes acknowledged before it (WAL not yet synced) "
        u"but never corrupts the store."_s,
        u"'full': acknowledged pushes also survive power loss, at a large throughput cost."_s,
        u"--history-size <count>"_s,
        u"HERALD_HISTORY_SIZE"_s,
        u"history_size"_s,
        u"default 1000"_s,
        u"--history-ttl <duration>"_s,
        u"HERALD_HISTORY_TTL"_s,
        u"history_ttl"_s,
        u"default 30d"_s,
        u"unit ms, s, m, h or d (none: seconds)"_s,
        u"--trim-interval <duration>"_s,
        u"HERALD_TRIM_INTERVAL"_s,
        u"trim_interval"_s,
        u"default 60s"_s,
        u"--idempotency-ttl <duration>"_s,
        u"HERALD_IDEMPOTENCY_TTL"_s,
        u"idempotency_ttl"_s,
        u"default 24h"_s,
        u"--secrets-file <file>"_s,
        u"HERALD_SECRETS_FILE"_s,
        u"secrets_file"_s,
        u"--api-head-timeout-s <seconds>"_s,
        u"HERALD_API_HEAD_TIMEOUT_S"_s,
        u"api_head_timeout_s"_s,
        u"--api-min-body-rate <bytes/s>"_s,
        u"HERALD_API_MIN_BODY_RATE"_s,
        u"api_min_body_rate"_s,
        u"--admin-allowed-origins <origins>"_s,
        u"HERALD_ADMIN_ALLOWED_ORIGINS"_s,
        u"admin_allowed_origins"_s,
        u"--allowed-origins <origins>"_s,
        u"HERALD_ALLOWED_ORIGINS"_s,
        u"allowed_origins"_s,
        u"default none: any origin"_s,
        u"--enforce-token-expiry"_s,
        u"HERALD_ENFORCE_TOKEN_EXPIRY"_s,
        u"enforce_token_expiry"_s,
        u"--max-sessions-per-token <count>"_s,
        u"HERALD_MAX_SESSIONS_PER_TOKEN"_s,
        u"max_sessions_per_token"_s,
        u"--legacy-routes"_s,
        u"HERALD_LEGACY_ROUTES"_s,
        u"legacy_routes"_s,
        u"--dev"_s,
        u"HERALD_DEV"_s,
        u"--secret-file <file>"_s,
        u"HERALD_SECRET_FILE"_s,
        u"secret_file"_s,
        u"HERALD_SECRET "_s,
        u"--api-key-file <file>"_s,
        u"HERALD_API_KEY_FILE"_s,
        u"api_key_file"_s,
        u"HERALD_API_KEY "_s,
        u"--config <file>"_s,
        u"HERALD_CONFIG"_s,
        u"--drain-s <seconds>"_s,
        u"HERALD_DRAIN_S"_s,
        u"drain_s"_s,
        u"default 10"_s,
        u"--help"_s,
        u"--version"_s,
    };
    // Compare with line breaks removed: long descriptions are wrapped.
    const QString flat = help.simplified();
    for (const QString &text : expected)
        QVERIFY2(flat.contains(text), qPrintable(text));
    QVERIFY(!help.contains(u"--secret <"_s));
    QVERIFY(!help.contains(u"--api-key <"_s));
}

QTEST_GUILESS_MAIN(TestConfigLoader)
#include "tst_configloader.moc"
