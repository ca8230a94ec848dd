#include "pushrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Herald::PushRequest;

class TestPushRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejects_data();
    void rejects();
    void acceptsNotify();
    void acceptsNumericIdsAndDropsDuplicates();
    void acceptsBroadcast();
    void userLimitIsInclusive();
};

void TestPushRequest::rejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("broadcast");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");

    const QString json = u"invalid_json"_s;
    const QString field = u"invalid_field"_s;
    QTest::newRow("empty") << QByteArray() << false << json << QString();
    QTest::newRow("truncated") << QByteArray(R"({"users":["1"])") << false << json << QString();
    QTest::newRow("array body") << QByteArray(R"(["1"])") << false << json << QString();
    QTest::newRow("string body") << QByteArray(R"("x")") << false << json << QString();
    QTest::newRow("no users") << QByteArray(R"({"data":1})") << false << field << u"users"_s;
    QTest::newRow("users not array")
        << QByteArray(R"({"users":"1"})") << false << field << u"users"_s;
    QTest::newRow("users empty") << QByteArray(R"({"users":[]})") << false << field << u"users"_s;
    QTest::newRow("user empty string")
        << QByteArray(R"({"users":["1",""]})") << false << field << u"users[1]"_s;
    QTest::newRow("user null") << QByteArray(R"({"users":[null]})") << false << field
                               << u"users[0]"_s;
    QTest::newRow("user object") << QByteArray(R"({"users":[{"id":1}]})") << false << field
                                 << u"users[0]"_s;
    QTest::newRow("user fraction")
        << QByteArray(R"({"users":[1.5]})") << false << field << u"users[0]"_s;
    QTest::newRow("user bool") << QByteArray(R"({"users":[true]})") << false << field
                               << u"users[0]"_s;
    const QByteArray longId = R"({"users":[")" + QByteArray(257, 'a') + R"("]})";
    QTest::newRow("user too long") << longId << false << field << u"users[0]"_s;
    QTest::newRow("event number") << QByteArray(R"({"users":["1"],"event":5})") << false << field
                                  << u"event"_s;
    QTest::newRow("event empty") << QByteArray(R"({"users":["1"],"event":""})") << false << field
                                 << u"event"_s;
    QTest::newRow("event spaces") << QByteArray(R"({"users":["1"],"event":"a b"})") << false
                                  << field << u"event"_s;
    const QByteArray longEvent = R"({"users":["1"],"event":")" + QByteArray(129, 'e') + R"("})";
    QTest::newRow("event too long") << longEvent << false << field << u"event"_s;
    QTest::newRow("unknown field")
        << QByteArray(R"({"users":["1"],"payload":{}})") << false << field << u"payload"_s;
    QTest::newRow("typo user") << QByteArray(R"({"user":["1"]})") << false << field << u"user"_s;
    QTest::newRow("broadcast with users")
        << QByteArray(R"({"users":["1"]})") << true << field << u"users"_s;
    QTest::newRow("broadcast bad event")
        << QByteArray(R"({"event":[]})") << true << field << u"event"_s;
}

void TestPushRequest::rejects()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, broadcast);
    QFETCH(QString, code);
    QFETCH(QString, field);

    const auto kind = broadcast ? PushRequest::Kind::Broadcast : PushRequest::Kind::Notify;
    const PushRequest::Result result = PushRequest::parse(body, kind);
    QVERIFY(std::holds_alternative<Herald::ApiError>(result));
    const auto &error = std::get<Herald::ApiError>(result);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.code, code);
    if (!field.isEmpty())
        QVERIFY2(error.message.contains(u"'"_s + field + u"'"_s), qPrintable(error.message));
}

void TestPushRequest::acceptsNotify()
{
    const auto result
        = PushRequest::parse(R"({"users":["42","7"],"event":"message.created","data":{"n":1}})",
                             PushRequest::Kind::Notify);
    QVERIFY(std::holds_alternative<PushRequest>(result));
    const auto &request = std::get<PushRequest>(result);
    QCOMPARE(request.users, QStringList({u"42"_s, u"7"_s}));
    QCOMPARE(request.event, u"message.created"_s);
    QCOMPARE(request.data.toObject().value(u"n"_s).toInt(), 1);
}

void TestPushRequest::acceptsNumericIdsAndDropsDuplicates()
{
    const auto result
        = PushRequest::parse(R"({"users":[42,"42",7,"x","x"]})", PushRequest::Kind::Notify);
    QVERIFY(std::holds_alternative<PushRequest>(result));
    const auto &request = std::get<PushRequest>(result);
    QCOMPARE(request.users, QStringList({u"42"_s, u"7"_s, u"x"_s}));
    QVERIFY(request.event.isEmpty());
    QVERIFY(request.data.isNull());
}

void TestPushRequest::acceptsBroadcast()
{
    const auto result
        = PushRequest::parse(R"({"event":"deploy","data":[1,2]})", PushRequest::Kind::Broadcast);
    QVERIFY(std::holds_alternative<PushRequest>(result));
    const auto &request = std::get<PushRequest>(result);
    QVERIFY(request.users.isEmpty());
    QCOMPARE(request.data.toArray().size(), 2);
}

void TestPushRequest::userLimitIsInclusive()
{
    QJsonArray users;
    for (int i = 0; i < 10; ++i)
        users.append(QString::number(i));
    const QByteArray body = QJsonDocument(QJsonObject{{u"users"_s, users}}).toJson();
    QVERIFY(std::holds_alternative<PushRequest>(
        PushRequest::parse(body, PushRequest::Kind::Notify, 10)));
    const auto tooMany = PushRequest::parse(body, PushRequest::Kind::Notify, 9);
    QVERIFY(std::holds_alternative<Herald::ApiError>(tooMany));
    QCOMPARE(std::get<Herald::ApiError>(tooMany).code, u"invalid_field"_s);
}

QTEST_APPLESS_MAIN(TestPushRequest)
#include "tst_pushrequest.moc"
