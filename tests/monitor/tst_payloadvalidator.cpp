#include "payloadvalidator.h"
#include "sendrequest.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The Send dialog's checks: the payload as JSON, the targets as user ids.
class TestPayloadValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validPayloads_data();
    void validPayloads();
    void invalidPayloads_data();
    void invalidPayloads();
    void parseUsers_data();
    void parseUsers();
    void requestArguments();
};

void TestPayloadValidator::validPayloads_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("object") << u"{\"a\": [1, 2]}"_s
                            << QJsonValue(QJsonObject{{u"a"_s, QJsonArray{1, 2}}});
    QTest::newRow("array") << u"[true]"_s << QJsonValue(QJsonArray{true});
    QTest::newRow("string") << u"\"hi\""_s << QJsonValue(u"hi"_s);
    QTest::newRow("number") << u" 42 "_s << QJsonValue(42);
    QTest::newRow("null") << u"null"_s << QJsonValue(QJsonValue::Null);
    QTest::newRow("unicode") << u"{\"t\":\"h\u00e9\u00e9\"}"_s
                             << QJsonValue(QJsonObject{{u"t"_s, u"h\u00e9\u00e9"_s}});
}

void TestPayloadValidator::validPayloads()
{
    QFETCH(QString, text);
    const PayloadValidator::Result result = PayloadValidator::check(text);
    QVERIFY2(result.ok, qPrintable(result.error));
    QTEST(*result.value, "value");
}

void TestPayloadValidator::invalidPayloads_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::newRow("unterminated object") << u"{\"a\": 1"_s << 1 << 8;
    // Columns are where Qt's parser stopped: at or just past the culprit.
    QTest::newRow("missing value") << u"{\n  \"a\": ,\n}"_s << 2 << 9;
    QTest::newRow("bare word") << u"hello"_s << 1 << 1;
    QTest::newRow("two values") << u"1, 2"_s << 1 << 5;
    QTest::newRow("single quotes") << u"{'a': 1}"_s << 1 << 3;
    QTest::newRow("error after non-ASCII") << u"\"\u00e9\u00e9\" x"_s << 1 << 7;
}

void TestPayloadValidator::invalidPayloads()
{
    QFETCH(QString, text);
    const PayloadValidator::Result result = PayloadValidator::check(text);
    QVERIFY(!result.ok);
    QVERIFY(!result.value);
    QTEST(result.line, "line");
    QTEST(result.column, "column");
    QVERIFY(result.error.startsWith(u"line %1, column %2: "_s.arg(result.line).arg(result.column)));
}

void TestPayloadValidator::parseUsers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("users");
    QTest::newRow("empty") << u"  "_s << QStringList{};
    QTest::newRow("commas") << u"a,b, c"_s << QStringList{u"a"_s, u"b"_s, u"c"_s};
    QTest::newRow("lines and semicolons")
        << u"42\n43;44"_s << QStringList{u"42"_s, u"43"_s, u"44"_s};
    QTest::newRow("duplicates") << u"a a b a"_s << QStringList{u"a"_s, u"b"_s};
}

void TestPayloadValidator::parseUsers()
{
    QFETCH(QString, text);
    QTEST(SendRequest::parseUsers(text), "users");
}

void TestPayloadValidator::requestArguments()
{
    SendRequest request;
    QVERIFY(!request.problem().isEmpty());
    request.users = {u"a"_s};
    request.event = u" ping "_s;
    request.data = QJsonObject{{u"x"_s, 1}};
    QVERIFY(request.problem().isEmpty());
    QCOMPARE(request.command(), u"notify"_s);
    QCOMPARE(request.arguments(),
             (QJsonObject{{u"users"_s, QJsonArray{u"a"_s}},
                          {u"event"_s, u"ping"_s},
                          {u"data"_s, QJsonObject{{u"x"_s, 1}}},
                          {u"store"_s, true}}));
    request.broadcast = true;
    request.store = false;
    request.data.reset();
    request.event.clear();
    QCOMPARE(request.command(), u"broadcast"_s);
    QCOMPARE(request.arguments(), (QJsonObject{{u"store"_s, false}}));
}

QTEST_GUILESS_MAIN(TestPayloadValidator)
#include "tst_payloadvalidator.moc"
