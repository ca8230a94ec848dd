#include "apiclient.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace Herald::Test;

// The real herald-server binary, started as an operator would.
class TestProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpListsEveryOption();
    void refusesToStartWithoutSecrets_data();
    void refusesToStartWithoutSecrets();
    void sigtermClosesSessionsWith1001();
    void devModePrintsAWorkingExample();

private:
    static QProcessEnvironment baseEnvironment();
    // Starts the binary and reads the two ports from its start-up log line.
    static bool startServer(QProcess &process, const QStringList &arguments,
                            const QProcessEnvironment &env, quint16 *wsPort, quint16 *apiPort);
};

namespace {
const QByteArray Secret = "process-test-secret-0123456789abcdefghijkl";
const QByteArray ApiKey = "process-test-api-key-0123456789abcdefghij";
} // namespace

QProcessEnvironment TestProcess::baseEnvironment()
{
    QProcessEnvironment env;
    env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
    env.insert(u"QT_NO_GLIB"_s, u"1"_s);
    return env;
}

bool TestProcess::startServer(QProcess &process, const QStringList &arguments,
                              const QProcessEnvironment &env, quint16 *wsPort, quint16 *apiPort)
{
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(HERALD_SERVER_BINARY),
                  QStringList {u"--ws-port"_s, u"0"_s, u"--api-port"_s, u"0"_s} + arguments);
    static const QRegularExpression listening(
        uR"(listening: WebSocket \S+ (\d+) .*push API \S+ (\d+))"_s);
    QByteArray log;
    QRegularExpressionMatch match;
    const bool found = QTest::qWaitFor(
        [&] {
            log += process.readAllStandardError();
            match = listening.match(QString::fromUtf8(log));
            return match.hasMatch() || process.state() == QProcess::NotRunning;
        },
        10000);
    if (!found || !match.hasMatch()) {
        qWarning() << "server did not start:" << log;
        return false;
    }
    *wsPort = quint16(match.captured(1).toUInt());
    *apiPort = quint16(match.captured(2).toUInt());
    return true;
}

void TestProcess::helpListsEveryOption()
{
    QProcess process;
    process.setProcessEnvironment(baseEnvironment());
    process.start(QStringLiteral(HERALD_SERVER_BINARY), {u"--help"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QString help = QString::fromUtf8(process.readAllStandardOutput());
    for (const QString &option :
         {u"--ws-port"_s, u"--api-port"_s, u"--ws-bind"_s, u"--api-bind"_s, u"--workers"_s,
          u"--heartbeat-s"_s, u"--config"_s, u"--secret-file"_s, u"--api-key-file"_s, u"--dev"_s,
          u"--legacy-routes"_s, u"HERALD_WS_PORT"_s, u"HERALD_SECRET"_s}) {
        QVERIFY2(help.contains(option), qPrintable(option));
    }
}

void TestProcess::refusesToStartWithoutSecrets_data()
{
    QTest::addColumn<bool>("withSecret");
    QTest::addColumn<bool>("withApiKey");
    QTest::addColumn<QString>("named");
    QTest::newRow("neither") << false << false << u"HERALD_SECRET"_s;
    QTest::newRow("no api key") << true << false << u"HERALD_API_KEY"_s;
    QTest::newRow("no secret") << false << true << u"HERALD_SECRET"_s;
}

void TestProcess::refusesToStartWithoutSecrets()
{
    QFETCH(bool, withSecret);
    QFETCH(bool, withApiKey);
    QFETCH(QString, named);
    QProcessEnvironment env = baseEnvironment();
    if (withSecret)
        env.insert(u"HERALD_SECRET"_s, QString::fromLatin1(Secret));
    if (withApiKey)
        env.insert(u"HERALD_API_KEY"_s, QString::fromLatin1(ApiKey));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(HERALD_SERVER_BINARY), {u"--ws-port"_s, u"0"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY(process.exitCode() != 0);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(named), qPrintable(error));
    QVERIFY(!error.contains(QString::fromLatin1(Secret)));
}

void TestProcess::sigtermClosesSessionsWith1001()
{
    QProcessEnvironment env = baseEnvironment();
    env.insert(u"HERALD_SECRET"_s, QString::fromLatin1(Secret));
    env.insert(u"HERALD_API_KEY"_s, QString::fromLatin1(ApiKey));
    QProcess process;
    quint16 wsPort = 0, apiPort = 0;
    QVERIFY(startServer(process, {}, env, &wsPort, &apiPort));

    const QByteArray token
        = Herald::TokenSigner(Secret).sign(u"1"_s, QDateTime::currentDateTimeUtc().addSecs(60));
    WsClient client;
    QVERIFY(client.connectAndWelcome(
        QUrl(u"ws://127.0.0.1:%1/ws?token=%2"_s.arg(wsPort).arg(QString::fromLatin1(token)))));
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(apiPort)), ApiKey);
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray {u"1"_s}}}).status, 202);
    QTRY_COMPARE(client.framesOfType(u"notification"_s).size(), 1);

    ::kill(pid_t(process.processId()), SIGTERM);
    QTRY_VERIFY(client.isClosed());
    QCOMPARE(client.closeCode(), 1001);
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 10000);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    const QByteArray log = process.readAllStandardError() + process.readAllStandardOutput();
    QVERIFY2(!log.contains(Secret) && !log.contains(ApiKey), "a secret was logged");
}

void TestProcess::devModePrintsAWorkingExample()
{
    QProcess process;
    quint16 wsPort = 0, apiPort = 0;
    QVERIFY(startServer(process, {u"--dev"_s}, baseEnvironment(), &wsPort, &apiPort));
    static const QRegularExpression wsUrl(uR"((ws://\S+/ws\?token=\S+))"_s);
    static const QRegularExpression apiKey(uR"(HERALD_API_KEY=(\S+))"_s);
    QString banner;
    QTRY_VERIFY((banner += QString::fromUtf8(process.readAllStandardOutput())).contains(u"curl"_s));
    const QString url = wsUrl.match(banner).captured(1);
    const QString key = apiKey.match(banner).captured(1);
    QVERIFY2(!url.isEmpty() && !key.isEmpty(), qPrintable(banner));
    QVERIFY(url.contains(u":%1/"_s.arg(wsPort)));

    WsClient client;
    QVERIFY(client.connectAndWelcome(QUrl(url)));
    QCOMPARE(client.framesOfType(u"welcome"_s).first().value(u"user"_s).toString(), u"1"_s);
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(apiPort)), key.toLatin1());
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray {u"1"_s}}}).status, 202);
    QTRY_COMPARE(client.framesOfType(u"notification"_s).size(), 1);
    process.terminate();
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 10000);
    QCOMPARE(process.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestProcess)
#include "tst_process.moc"
