#include "config/configchange.h"
#include "config/configoptions.h"

#include <QTest>

#include <functional>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

using Edit = std::function<void(ServerConfig &)>;
Q_DECLARE_METATYPE(Edit)

// What a reload changes (SIGHUP, admin command reload): each setting, by its INI key,
// applied live or kept as running until a restart, and never a secret in a message.
class TestConfigChange : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingChanged();
    void live_data();
    void live();
    void restartOnly_data();
    void restartOnly();
    void coversEveryIniKey();
    void secretsAreNeverShown();
    void turningTheAdminChannelOnNeedsARestart();
    void generatedSecretsStay();
    void settingsNoSourceSetsStay();
    void logRulesParse_data();
    void logRulesParse();
};

namespace {

ServerConfig running()
{
    ServerConfig config;
    config.secret = QByteArray(40, 's');
    config.apiKey = "api-key";
    config.adminToken = "admin-token-0123456789";
    return config;
}

} // namespace

void TestConfigChange::nothingChanged()
{
    const ConfigChange change(running(), running());
    QVERIFY(change.applied().isEmpty());
    QVERIFY(change.needsRestart().isEmpty());
    QVERIFY(change.restartMessages().isEmpty());
    QCOMPARE(change.next().heartbeatMs, running().heartbeatMs);
}

void TestConfigChange::live_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("key");
    QTest::addColumn<Edit>("check"); // verifies next() holds the loaded value

    const auto row = [](const char *name, const QString &key, Edit edit, Edit check) {
        QTest::newRow(name) << edit << key << check;
    };
    row(
        "heartbeat", u"heartbeat_s"_s, [](ServerConfig &c) { c.heartbeatMs = 500; },
        [](ServerConfig &c) { QCOMPARE(c.heartbeatMs, 500); });
    row(
        "sessions per user", u"max_sessions_per_user"_s,
        [](ServerConfig &c) { c.maxSessionsPerUser = 3; },
        [](ServerConfig &c) { QCOMPARE(c.maxSessionsPerUser, 3); });
    row(
        "payload", u"max_payload_bytes"_s, [](ServerConfig &c) { c.maxPayloadBytes = 2048; },
        [](ServerConfig &c) { QCOMPARE(c.maxPayloadBytes, 2048); });
    row(
        "history ttl", u"history_ttl"_s, [](ServerConfig &c) { c.historyTtlMs = 1000; },
        [](ServerConfig &c) { QCOMPARE(c.historyTtlMs, 1000); });
    row(
        "drain", u"drain_s"_s, [](ServerConfig &c) { c.drainMs = 0; },
        [](ServerConfig &c) { QCOMPARE(c.drainMs, 0); });
    row(
        "log rules", u"log_rules"_s,
        [](ServerConfig &c) { c.logRules = u"herald.server.ws.debug=true"_s; },
        [](ServerConfig &c) { QCOMPARE(c.logRules, u"herald.server.ws.debug=true"_s); });
    row(
        "origins", u"allowed_origins"_s,
        [](ServerConfig &c) {
            QString error;
            c.allowedOrigins = *OriginPolicy::parse(u"https://a.example"_s, &error);
        },
        [](ServerConfig &c) {
            QCOMPARE(c.allowedOrigins.entries(), QStringList{u"https://a.example"_s});
        });
    row(
        "secret", u"secret_file"_s, [](ServerConfig &c) { c.secret = QByteArray(40, 't'); },
        [](ServerConfig &c) { QCOMPARE(c.secret, QByteArray(40, 't')); });
    row(
        "extra secrets", u"secrets_file"_s,
        [](ServerConfig &c) {
            c.extraSecrets = {{"k1", QByteArray(40, 'k')}};
        },
        [](ServerConfig &c) { QCOMPARE(c.extraSecrets.size(), 1); });
    row(
        "admin token", u"admin_token_file"_s,
        [](ServerConfig &c) { c.adminToken = "other-admin-token-0123"; },
        [](ServerConfig &c) { QCOMPARE(c.adminToken, QByteArray("other-admin-token-0123")); });
    row(
        "expiry", u"enforce_token_expiry"_s, [](ServerConfig &c) { c.enforceTokenExpiry = true; },
        [](ServerConfig &c) { QVERIFY(c.enforceTokenExpiry); });
    row(
        "broker min replicas", u"broker_min_replicas"_s,
        [](ServerConfig &c) { c.brokerMinReplicas = 2; },
        [](ServerConfig &c) { QCOMPARE(c.brokerMinReplicas, 2); });
    row(
        "broker replica timeout", u"broker_replica_timeout"_s,
        [](ServerConfig &c) { c.brokerReplicaTimeoutMs = 300; },
        [](ServerConfig &c) { QCOMPARE(c.brokerReplicaTimeoutMs, 300); });
}

void TestConfigChange::live()
{
    QFETCH(Edit, edit);
    QFETCH(QString, key);
    QFETCH(Edit, check);
    ServerConfig loaded = running();
    edit(loaded);
    const ConfigChange change(running(), loaded);
    QCOMPARE(change.applied(), QStringList{key});
    QVERIFY(change.needsRestart().isEmpty());
    QVERIFY(ConfigChange::isLive(key));
    ServerConfig next = change.next();
    check(next);
}

void TestConfigChange::restartOnly_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const QString &key, Edit edit, const QString &kept) {
        QTest::newRow(name) << edit << key
                            << u"%1 changed: needs a restart; keeping %2"_s.arg(key, kept);
    };
    row(
        "ws port", u"ws_port"_s, [](ServerConfig &c) { c.wsPort = 9000; }, u"8080"_s);
    row(
        "ws bind", u"ws_bind"_s, [](ServerConfig &c) { c.wsBind = QHostAddress::Any; },
        u"127.0.0.1"_s);
    row(
        "api port", u"api_port"_s, [](ServerConfig &c) { c.apiPort = 9001; }, u"8081"_s);
    row(
        "workers", u"workers"_s, [](ServerConfig &c) { c.workers = 4; }, u"0"_s);
    row(
        "event loop", u"event_loop"_s,
        [](ServerConfig &c) { c.eventLoop = ServerConfig::EventLoop::Qt; }, u"epoll"_s);
    row(
        "store", u"store"_s, [](ServerConfig &c) { c.store = ServerConfig::StoreKind::Memory; },
        u"sqlite"_s);
    row(
        "broker", u"broker"_s,
        [](ServerConfig &c) {
            c.broker = BrokerAddress{u"10.0.0.9"_s, 6380, 1, "secret"};
        },
        u"none"_s);
    row(
        "broker password file", u"broker_password_file"_s,
        [](ServerConfig &c) { c.brokerPasswordFile = u"/etc/herald/broker.pw"_s; }, u"''"_s);
    row(
        "data dir", u"data_dir"_s, [](ServerConfig &c) { c.dataDir = u"/srv/h"_s; },
        u"'herald-data'"_s);
    row(
        "synchronous", u"sqlite_synchronous"_s,
        [](ServerConfig &c) { c.sqliteSynchronous = ServerConfig::Synchronous::Full; },
        u"normal"_s);
    row(
        "legacy routes", u"legacy_routes"_s, [](ServerConfig &c) { c.legacyRoutes = true; },
        u"false"_s);
}

void TestConfigChange::restartOnly()
{
    QFETCH(Edit, edit);
    QFETCH(QString, key);
    QFETCH(QString, message);
    ServerConfig loaded = running();
    loaded.maxSessionsPerUser = 7; // a live change alongside is still applied
    edit(loaded);
    const ConfigChange change(running(), loaded);
    QCOMPARE(change.needsRestart(), QStringList{key});
    QCOMPARE(change.applied(), QStringList{u"max_sessions_per_user"_s});
    QCOMPARE(change.restartMessages(), QStringList{message});
    QVERIFY(!ConfigChange::isLive(key));
    QCOMPARE(change.next().maxSessionsPerUser, 7);
    const ServerConfig &next = change.next();
    QCOMPARE(next.wsPort, running().wsPort);
    QCOMPARE(next.workers, running().workers);
    QCOMPARE(next.store, running().store);
    QCOMPARE(next.dataDir, running().dataDir);
    QCOMPARE(next.legacyRoutes, running().legacyRoutes);
}

void TestConfigChange::coversEveryIniKey()
{
    QStringList expected = ConfigOptions::table().fileKeys();
    QStringList keys = ConfigChange::keys();
    expected.sort();
    keys.sort();
    QCOMPARE(keys, expected);
}

void TestConfigChange::secretsAreNeverShown()
{
    ServerConfig loaded = running();
    loaded.secret = QByteArray(40, 'n');
    loaded.apiKey = "new-api-key";
    loaded.wsPort = 1234;
    const ConfigChange change(running(), loaded);
    QCOMPARE(change.applied(), (QStringList{u"secret_file"_s, u"api_key_file"_s}));
    for (const QString &message : change.restartMessages()) {
        QVERIFY(!message.contains(u"sss"_s));
        QVERIFY(!message.contains(u"api-key"_s));
    }
}

void TestConfigChange::turningTheAdminChannelOnNeedsARestart()
{
    ServerConfig off = running();
    off.adminToken.clear();
    ServerConfig loaded = running();
    const ConfigChange change(off, loaded);
    QCOMPARE(change.needsRestart(), QStringList{u"admin_token_file"_s});
    QCOMPARE(change.restartMessages(),
             QStringList{u"admin_token_file changed: needs a restart; keeping the admin channel "
                         u"off"_s});
    QVERIFY(change.next().adminToken.isEmpty());
}

void TestConfigChange::generatedSecretsStay()
{
    ServerConfig dev = running();
    dev.devMode = true;
    dev.secretGenerated = dev.apiKeyGenerated = dev.adminTokenGenerated = true;
    ServerConfig loaded = dev;
    loaded.secret = "another-generated-secret";
    loaded.apiKey = "another-generated-key";
    loaded.adminToken = "another-generated-token";
    const ConfigChange change(dev, loaded);
    QVERIFY(change.applied().isEmpty());
    QCOMPARE(change.next().secret, dev.secret);
    QCOMPARE(change.next().apiKey, dev.apiKey);
}

void TestConfigChange::settingsNoSourceSetsStay()
{
    ServerConfig tuned = running();
    tuned.closeGraceMs = 100;
    tuned.adminCountersMs = 50;
    tuned.maxUsersPerPush = 3;
    const ConfigChange change(tuned, running());
    QVERIFY(change.applied().isEmpty());
    QCOMPARE(change.next().closeGraceMs, 100);
    QCOMPARE(change.next().adminCountersMs, 50);
    QCOMPARE(change.next().maxUsersPerPush, 3);
}

void TestConfigChange::logRulesParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("rules");

    QTest::newRow("empty") << QString() << true << QString();
    QTest::newRow("one") << u"herald.server.ws.debug=true"_s << true
                         << u"herald.server.ws.debug=true"_s;
    QTest::newRow("several") << u" herald.server.api.info = false; qt.*=false,"_s << true
                             << u"herald.server.api.info = false\nqt.*=false"_s;
    QTest::newRow("no value") << u"herald.server.ws.debug"_s << false << QString();
    QTest::newRow("not a boolean") << u"herald.server.ws.debug=yes"_s << false << QString();
    QTest::newRow("newline smuggled") << u"a=true\nb=false"_s << false << QString();
    QTest::newRow("space in name") << u"herald server=true"_s << false << QString();
}

void TestConfigChange::logRulesParse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, rules);
    const std::optional<QString> parsed = ConfigValueParser::logRules(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(*parsed, rules);
}

QTEST_GUILESS_MAIN(TestConfigChange)
#include "tst_configchange.moc"
