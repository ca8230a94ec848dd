#include "rawclient.h"
#include "serverfixture.h"
#include "wsclient.h"

#include <QMutex>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

// Every message of the WebSocket side, as the log would get it.
QMutex logMutex;
QStringList wsLog;
QtMessageHandler previousHandler = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "herald.server.ws") != 0
        && qstrcmp(context.category, "herald.server.heartbeat") != 0) {
        if (previousHandler)
            previousHandler(type, context, message);
        return;
    }
    QMutexLocker lock(&logMutex);
    wsLog.append(message);
}

QStringList takeLog()
{
    QMutexLocker lock(&logMutex);
    return std::exchange(wsLog, {});
}

} // namespace

// What an outsider can make the WebSocket side log (README, "WebSocket
// limits"): values are escaped and capped, and refused requests are logged
// at a limited rate.
class TestHostileLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void tokenSubjectCannotForgeLines();
    void refusedRequestsAreRateLimited();

private:
    std::unique_ptr<ServerFixture> m_server;
};

void TestHostileLog::initTestCase()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxHandshakesPerAddress = 1000; // the 300 requests below come at once
    m_server = std::make_unique<ServerFixture>(config);
    QVERIFY(m_server->start());
    previousHandler = qInstallMessageHandler(capture);
}

void TestHostileLog::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
    m_server.reset();
}

void TestHostileLog::init()
{
    takeLog();
}

// A token's sub is any string the backend signed, for example a user name
// with a newline: the log shows it escaped, on one line.
void TestHostileLog::tokenSubjectCannotForgeLines()
{
    const QString forged = u"eve\n2026-01-01T00:00:00.000 info herald.server.ws: connect session "
                           u"s_0 user admin"_s
        + QString(500, u'x');
    WsClient client;
    QVERIFY(client.connectAndWelcome(m_server->wsUrl(forged)));
    client.socket().close();
    QTRY_COMPARE(m_server->server().directory().sessionCount(), 0);

    const QStringList log = takeLog();
    QVERIFY(!log.isEmpty());
    bool escaped = false;
    for (const QString &line : log) {
        QVERIFY2(!line.contains(u'\n'), qPrintable(line));
        QVERIFY2(line.size() < 600, qPrintable(line)); // the 500 x's are cut at 200 characters
        escaped = escaped || line.contains(u"eve\\n2026"_s);
    }
    QVERIFY(escaped);
}

// 300 requests for 15 KB paths: 404 each, but only a few short log lines;
// the rest are counted as suppressed.
void TestHostileLog::refusedRequestsAreRateLimited()
{
    const QByteArray request = "GET /" + QByteArray(15000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<std::unique_ptr<RawClient>> clients(300);
    for (auto &client : clients) {
        client = std::make_unique<RawClient>();
        QVERIFY(client->connectTo(m_server->server().wsPort()));
        client->write(request);
    }
    for (auto &client : clients)
        QCOMPARE(RawClient::statusOf(client->readUntilClosed()), 404);
    const QStringList flood = takeLog();
    qsizetype bytes = 0;
    for (const QString &line : flood)
        bytes += line.size();
    qInfo() << "log for 300 refused requests:" << flood.size() << "lines," << bytes << "characters";
    QVERIFY2(bytes < 20000, qPrintable(QString::number(bytes)));
    QVERIFY(m_server->server().stats().logLinesSuppressed > 0);
}

QTEST_MAIN(TestHostileLog)
#include "tst_hostilelog.moc"
