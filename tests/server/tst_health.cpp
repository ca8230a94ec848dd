#include "serverfixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// /healthz reports the store, the workers and the listeners, and a store
// file that vanishes under the running server is noticed: no more 202s for
// pushes that a restart would lose.
class TestHealth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsEveryPart();
    void vanishedStoreFileStopsPushes_data();
    void vanishedStoreFileStopsPushes();
};

void TestHealth::reportsEveryPart()
{
    ServerFixture fixture;
    QVERIFY(fixture.start());
    const ApiClient::Reply reply = fixture.api().get(u"/healthz"_s);
    QCOMPARE(reply.status, 200);
    const QJsonObject health = reply.json();
    QCOMPARE(health.value(u"status"_s).toString(), u"ok"_s);
    QCOMPARE(health.value(u"store"_s)[u"kind"_s].toString(), u"sqlite"_s);
    QCOMPARE(health.value(u"store"_s)[u"ok"_s].toBool(), true);
    QCOMPARE(health.value(u"workers"_s)[u"count"_s].toInt(), fixture.config().workers);
    QCOMPARE(health.value(u"workers"_s)[u"ok"_s].toBool(), true);
    QCOMPARE(health.value(u"listeners"_s)[u"ws"_s][u"port"_s].toInt(), fixture.server().wsPort());
    QCOMPARE(health.value(u"listeners"_s)[u"api"_s][u"ok"_s].toBool(), true);
}

void TestHealth::vanishedStoreFileStopsPushes_data()
{
    QTest::addColumn<bool>("replace"); // replaced by another file, or just deleted
    QTest::newRow("deleted") << false;
    QTest::newRow("replaced") << true;
}

void TestHealth::vanishedStoreFileStopsPushes()
{
    QFETCH(bool, replace);
    ServerFixture fixture;
    QVERIFY(fixture.start());
    const QJsonObject push{{u"users"_s, QJsonArray{u"alice"_s}}};
    QCOMPARE(fixture.api().post(u"/api/v1/notify"_s, push).status, 202);

    const QDir data(fixture.dataDir());
    for (const QString &name : data.entryList({u"herald.sqlite3*"_s}, QDir::Files))
        QVERIFY(QFile::remove(data.filePath(name)));
    if (replace) {
        QFile other(data.filePath(u"herald.sqlite3"_s));
        QVERIFY(other.open(QIODevice::WriteOnly));
    }

    // /healthz checks the file itself, at once; pushes follow within the 1 s check.
    const ApiClient::Reply health = fixture.api().get(u"/healthz"_s);
    QCOMPARE(health.status, 503);
    QCOMPARE(health.json().value(u"status"_s).toString(), u"unavailable"_s);
    QCOMPARE(health.json().value(u"store"_s)[u"ok"_s].toBool(), false);
    const ApiClient::Reply refused = fixture.api().post(u"/api/v1/notify"_s, push);
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), u"store_unavailable"_s);
    // It stays so: the data the server holds is in a file no restart will see.
    QCOMPARE(fixture.api().get(u"/healthz"_s).status, 503);
}

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
