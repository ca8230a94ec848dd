#include "apiclient.h"
#include "hostileclient.h"
#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The real herald-server binary, started as an operator would.
class TestProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpListsEveryOption();
    void refusesToStartWithoutSecrets_data();
    void refusesToStartWithoutSecrets();
    void sigtermClosesSessionsWith1012();
    void otherSignalsKeepItRunning();
    void notifiesSystemd();
    void devModePrintsAWorkingExample();
    void eventLoopInEveryThread_data();
    void eventLoopInEveryThread();
};

namespace {
const QByteArray Secret = ServerProcess::Secret;
const QByteArray ApiKey = ServerProcess::ApiKey;
QProcessEnvironment baseEnvironment()
{
    return ServerProcess::cleanEnvironment();
}

// How many epoll instances the process holds: one per thread on EpollEventDispatcher.
int epollInstances(qint64 pid)
{
    const QString folder = u"/proc/%1/fd"_s.arg(pid);
    int count = 0;
    for (const QString &fd : QDir(folder).entryList(QDir::Files | QDir::System)) {
        char target[64] = {};
        const QByteArray path = QFile::encodeName(folder + u'/' + fd);
        if (::readlink(path.constData(), target, sizeof(target) - 1) > 0
            && QByteArrayView(target) == "anon_inode:[eventpoll]")
            ++count;
    }
    return count;
}
} // namespace

void TestProcess::helpListsEveryOption()
{
    QProcess process;
    process.setProcessEnvironment(baseEnvironment());
    process.start(ServerProcess::binary(), {u"--help"_s});
    QVERIFY(process.waitForFinished(30000));
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
    process.start(ServerProcess::binary(), {u"--ws-port"_s, u"0"_s});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY(process.exitCode() != 0);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(named), qPrintable(error));
    QVERIFY(!error.contains(QString::fromLatin1(Secret)));
}

// The drain itself: tst_drain.
void TestProcess::sigtermClosesSessionsWith1012()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(server.start({u"--data-dir"_s, data.path(), u"--drain-s"_s, u"1"_s},
                         ServerProcess::environmentWithSecrets()));

    const QByteArray token
        = Herald::TokenSigner(Secret).sign(u"1"_s, QDateTime::currentDateTimeUtc().addSecs(60));
    WsClient client;
    QVERIFY(client.connectAndWelcome(QUrl(
        u"ws://127.0.0.1:%1/ws?token=%2"_s.arg(server.wsPort()).arg(QString::fromLatin1(token)))));
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(server.apiPort())), ApiKey);
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"1"_s}}}).status, 202);
    QTRY_COMPARE(client.framesOfType(ServerFrame::Type::Notification).size(), 1);

    // QWebSocket (6.4) reports close codes 1012-2999 as 1002: read this one on the wire.
    HostileClient wire;
    QVERIFY(wire.connectTo(server.wsPort()));
    QVERIFY(wire.upgrade("/ws?token=" + token));

    QVERIFY(server.terminate());
    QTRY_VERIFY(client.isClosed());
    QCOMPARE(wire.waitForClose(), 1012);
    QCOMPARE(wire.closeReason(), u"service restart"_s);
    const QByteArray log = server.log() + server.process().readAllStandardOutput();
    QVERIFY2(!log.contains(Secret) && !log.contains(ApiKey), "a secret was logged");
}

// SIGHUP, SIGUSR1 and SIGUSR2 used to kill it at once; sessions must survive them.
void TestProcess::otherSignalsKeepItRunning()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(server.start({u"--data-dir"_s, data.path()}, ServerProcess::environmentWithSecrets()));
    const QByteArray token
        = Herald::TokenSigner(Secret).sign(u"1"_s, QDateTime::currentDateTimeUtc().addSecs(60));
    WsClient client;
    QVERIFY(client.connectAndWelcome(QUrl(
        u"ws://127.0.0.1:%1/ws?token=%2"_s.arg(server.wsPort()).arg(QString::fromLatin1(token)))));
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(server.apiPort())), ApiKey);
    const auto pid = pid_t(server.process().processId());
    QByteArray log;
    for (int signal : {SIGHUP, SIGUSR1, SIGUSR2}) {
        QCOMPARE(::kill(pid, signal), 0);
        // A push after the signal proves the signal was handled and the server lives on.
        QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"1"_s}}}).status, 202);
    }
    QTRY_COMPARE_WITH_TIMEOUT(client.framesOfType(ServerFrame::Type::Notification).size(), 3,
                              15000);
    QVERIFY(!client.isClosed());
    QCOMPARE(server.process().state(), QProcess::Running);
    QTRY_VERIFY_WITH_TIMEOUT((log += server.process().readAllStandardError()).contains("SIGHUP"),
                             15000);
    QVERIFY(server.terminate());
}

// Type=notify: READY=1 once listening, watchdog pings, STOPPING=1 on SIGTERM,
// sent to the datagram socket systemd names in NOTIFY_SOCKET (here, the test's).
void TestProcess::notifiesSystemd()
{
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(u"notify"_s));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    QVERIFY(fd >= 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    QByteArray received;
    const auto receive = [&] {
        char buffer[4096];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            received += QByteArray(buffer, n) + '\n';
        return received;
    };

    QProcessEnvironment env = ServerProcess::environmentWithSecrets();
    env.insert(u"NOTIFY_SOCKET"_s, QString::fromLocal8Bit(path));
    env.insert(u"WATCHDOG_USEC"_s, u"400000"_s);
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(server.start({u"--data-dir"_s, data.path()}, env));
    QTRY_VERIFY_WITH_TIMEOUT(receive().contains("READY=1"), 15000);
    QVERIFY(received.contains("port " + QByteArray::number(server.wsPort())));
    QTRY_VERIFY_WITH_TIMEOUT(receive().contains("WATCHDOG=1"), 15000);
    QVERIFY(!received.contains("STOPPING=1"));
    QVERIFY(server.terminate());
    QTRY_VERIFY_WITH_TIMEOUT(receive().contains("STOPPING=1"), 15000);
    ::close(fd);
}

void TestProcess::devModePrintsAWorkingExample()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(server.start({u"--dev"_s, u"--data-dir"_s, data.path()}, baseEnvironment()));
    QProcess &process = server.process();
    const quint16 wsPort = server.wsPort();
    const quint16 apiPort = server.apiPort();
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
    QCOMPARE(client.framesOfType(ServerFrame::Type::Welcome).first().user, u"1"_s);
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(apiPort)), key.toLatin1());
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"1"_s}}}).status, 202);
    QTRY_COMPARE(client.framesOfType(ServerFrame::Type::Notification).size(), 1);
    QVERIFY(server.terminate());
}

void TestProcess::eventLoopInEveryThread_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environment"); // HERALD_EVENT_LOOP; empty: unset
    QTest::addColumn<QString>("named");
    QTest::addColumn<int>("instances");
    const int epoll = 1 + 2 + 1; // the main thread, two workers, the store thread
    QTest::newRow("default") << QStringList() << QString() << u"epoll"_s << epoll;
    QTest::newRow("--event-loop qt")
        << QStringList{u"--event-loop"_s, u"qt"_s} << QString() << u"qt"_s << 0;
    QTest::newRow("HERALD_EVENT_LOOP=qt") << QStringList() << u"qt"_s << u"qt"_s << 0;
    QTest::newRow("flag beats environment")
        << QStringList{u"--event-loop"_s, u"epoll"_s} << u"qt"_s << u"epoll"_s << epoll;
}

// The switch reaches every thread, and a push goes through either way.
void TestProcess::eventLoopInEveryThread()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, environment);
    QFETCH(QString, named);
    QFETCH(int, instances);
    QProcessEnvironment env = ServerProcess::environmentWithSecrets();
    env.remove(u"HERALD_EVENT_LOOP"_s);
    if (!environment.isEmpty())
        env.insert(u"HERALD_EVENT_LOOP"_s, environment);
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(server.start(
        arguments + QStringList{u"--workers"_s, u"2"_s, u"--data-dir"_s, data.path()}, env));
    QVERIFY2(server.log().contains("event loop " + named.toLatin1()), server.log().constData());
    QCOMPARE(epollInstances(server.process().processId()), instances);

    const QByteArray token
        = Herald::TokenSigner(Secret).sign(u"7"_s, QDateTime::currentDateTimeUtc().addSecs(60));
    WsClient client;
    QVERIFY(client.connectAndWelcome(QUrl(
        u"ws://127.0.0.1:%1/ws?token=%2"_s.arg(server.wsPort()).arg(QString::fromLatin1(token)))));
    ApiClient api(QUrl(u"http://127.0.0.1:%1/"_s.arg(server.apiPort())), ApiKey);
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"7"_s}}}).status, 202);
    QTRY_COMPARE(client.framesOfType(ServerFrame::Type::Notification).size(), 1);
    QVERIFY(server.terminate());
}

QTEST_GUILESS_MAIN(TestProcess)
#include "tst_process.moc"
