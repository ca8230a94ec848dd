#include "adminendpoint.h"
#include "backoff.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// Where the admin channel is, and how long to wait before trying it again.
class TestAdminEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseApiUrl_data();
    void parseApiUrl();
    void badApiUrl_data();
    void badApiUrl();
    void backoffDoubles_data();
    void backoffDoubles();
    void backoffJitterStaysInRange();
};

void TestAdminEndpoint::parseApiUrl_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("webSocket");
    QTest::addColumn<QString>("probe");
    QTest::newRow("http") << u"http://127.0.0.1:8081"_s << u"ws://127.0.0.1:8081/admin"_s
                          << u"http://127.0.0.1:8081/admin"_s;
    QTest::newRow("trailing slash") << u"http://localhost:8081/"_s << u"ws://localhost:8081/admin"_s
                                    << u"http://localhost:8081/admin"_s;
    QTest::newRow("https") << u"https://push.example.com"_s << u"wss://push.example.com/admin"_s
                           << u"https://push.example.com/admin"_s;
    QTest::newRow("bare host:port") << u"  10.1.2.3:9000 "_s << u"ws://10.1.2.3:9000/admin"_s
                                    << u"http://10.1.2.3:9000/admin"_s;
    QTest::newRow("ws admin URL") << u"ws://h:1/admin"_s << u"ws://h:1/admin"_s
                                  << u"http://h:1/admin"_s;
    QTest::newRow("query dropped")
        << u"http://h:2/?x=1"_s << u"ws://h:2/admin"_s << u"http://h:2/admin"_s;
}

void TestAdminEndpoint::parseApiUrl()
{
    QFETCH(QString, text);
    QString error;
    const auto url = AdminEndpoint::parseApiUrl(text, &error);
    QVERIFY2(url, qPrintable(error));
    const AdminEndpoint endpoint{*url, "token"};
    QTEST(endpoint.webSocketUrl().toString(), "webSocket");
    QTEST(endpoint.probeUrl().toString(), "probe");
}

void TestAdminEndpoint::badApiUrl_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("ftp") << u"ftp://h:21"_s;
    QTest::newRow("other path") << u"http://h:8081/api/v1"_s;
    QTest::newRow("no host") << u"http://:8081"_s;
    QTest::newRow("bad port") << u"http://h:99999"_s;
}

void TestAdminEndpoint::badApiUrl()
{
    QFETCH(QString, text);
    QString error;
    QVERIFY(!AdminEndpoint::parseApiUrl(text, &error));
    QVERIFY(!error.isEmpty());
}

void TestAdminEndpoint::backoffDoubles_data()
{
    QTest::addColumn<int>("initial");
    QTest::addColumn<int>("max");
    QTest::addColumn<QList<int>>("delays");
    QTest::newRow("default-like") << 500 << 15000
                                  << QList<int>{500, 1000, 2000, 4000, 8000, 15000, 15000};
    QTest::newRow("max below initial") << 100 << 50 << QList<int>{100, 100};
    QTest::newRow("tiny") << 1 << 3 << QList<int>{1, 2, 3, 3};
}

void TestAdminEndpoint::backoffDoubles()
{
    QFETCH(int, initial);
    QFETCH(int, max);
    QFETCH(QList<int>, delays);
    Backoff backoff(initial, max, 0);
    for (int expected : delays)
        QCOMPARE(backoff.nextDelayMs(), expected);
    QCOMPARE(backoff.attempts(), delays.size());
    backoff.reset();
    QCOMPARE(backoff.nextDelayMs(), delays.first());
}

void TestAdminEndpoint::backoffJitterStaysInRange()
{
    Backoff backoff(1000, 1000, 0.2);
    for (int i = 0; i < 200; ++i) {
        const int delay = backoff.nextDelayMs();
        QVERIFY2(delay >= 800 && delay <= 1200, qPrintable(QString::number(delay)));
    }
}

QTEST_GUILESS_MAIN(TestAdminEndpoint)
#include "tst_adminendpoint.moc"
