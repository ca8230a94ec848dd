#include "serverfixture.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// A user id may hold any character. Every /api/v1/users/<id>/... route
// addresses it when the id is percent-encoded, and decodes it exactly once:
// "x%2541" is the user "x%41", never "xA".
class TestUserIds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everyRouteAddressesTheEncodedId_data();
    void everyRouteAddressesTheEncodedId();

private:
    std::unique_ptr<ServerFixture> m_fixture;
};

void TestUserIds::init()
{
    m_fixture = std::make_unique<ServerFixture>();
    QVERIFY(m_fixture->start());
}

void TestUserIds::cleanup()
{
    m_fixture.reset();
}

void TestUserIds::everyRouteAddressesTheEncodedId_data()
{
    QTest::addColumn<QString>("user"); // as the push names it, in JSON
    QTest::addColumn<QString>("segment"); // as a path segment, percent-encoded
    QTest::addColumn<QString>("decoy"); // the user a second decoding would reach
    QTest::newRow("encoded percent") << u"x%41"_s << u"x%2541"_s << u"xA"_s;
    QTest::newRow("slash") << u"team/a"_s << u"team%2Fa"_s << u"team"_s;
    QTest::newRow("lone percent") << u"100%"_s << u"100%25"_s << u"100"_s;
    QTest::newRow("percent then hex") << u"%2F"_s << u"%252F"_s << u"/"_s;
    QTest::newRow("non-ascii") << u"zoë"_s << u"zo%C3%AB"_s << u"zo"_s;
    QTest::newRow("space") << u"a b"_s << u"a%20b"_s << u"a+b"_s;
    QTest::newRow("question mark") << u"a?b"_s << u"a%3Fb"_s << u"a"_s;
    QTest::newRow("hash") << u"a#b"_s << u"a%23b"_s << u"a"_s;
    QTest::newRow("dots inside") << u"a..b"_s << u"a..b"_s << u"a"_s;
    QTest::newRow("plus") << u"a+b"_s << u"a%2Bb"_s << u"a b"_s;
}

void TestUserIds::everyRouteAddressesTheEncodedId()
{
    QFETCH(QString, user);
    QFETCH(QString, segment);
    QFETCH(QString, decoy);
    ApiClient &api = m_fixture->api();
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{decoy}}}).status, 202);
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{user}}}).status, 202);
    QCOMPARE(api.post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{user}}}).status, 202);
    const QString base = u"/api/v1/users/"_s + segment;

    const ApiClient::Reply unread = api.get(base + u"/unread"_s);
    QCOMPARE(unread.status, 200);
    QCOMPARE(unread.json().value(u"user"_s).toString(), user);
    QCOMPARE(unread.json().value(u"unread"_s).toInt(), 2);

    const ApiClient::Reply list = api.get(base + u"/notifications"_s);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().value(u"notifications"_s).toArray().size(), 2);

    const ApiClient::Reply read = api.post(base + u"/read"_s, {{u"up_to"_s, 1}});
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json().value(u"user"_s).toString(), user);
    QCOMPARE(api.get(base + u"/unread"_s).json().value(u"unread"_s).toInt(), 1);

    const ApiClient::Reply sessions = api.get(base + u"/sessions"_s);
    QCOMPARE(sessions.status, 200);
    QCOMPARE(sessions.json().value(u"user"_s).toString(), user);
    QCOMPARE(api.del(base + u"/sessions"_s).status, 200);

    // The decoy was never touched: one unread, cursor at 0.
    const QString decoyPath
        = u"/api/v1/users/"_s + QString::fromUtf8(QUrl::toPercentEncoding(decoy));
    const QJsonObject decoyState = api.get(decoyPath + u"/unread"_s).json();
    QCOMPARE(decoyState.value(u"user"_s).toString(), decoy);
    QCOMPARE(decoyState.value(u"unread"_s).toInt(), 1);
    QCOMPARE(decoyState.value(u"read_up_to"_s).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestUserIds)
#include "tst_userids.moc"
