#include "loglimiter.h"
#include "logtext.h"

#include <QDeadlineTimer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

class TestLogText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapesText_data();
    void escapesText();
    void escapesBytes_data();
    void escapesBytes();
    void limiterPassesBudgetThenCountsSuppressed();
};

void TestLogText::escapesText_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("cap");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << u"alice"_s << 200 << u"alice"_s;
    QTest::newRow("forged line") << u"x\n2026-01-01 admin logged in"_s << 200
                                 << u"x\\n2026-01-01 admin logged in"_s;
    QTest::newRow("cr tab") << u"a\r\tb"_s << 200 << u"a\\r\\tb"_s;
    QTest::newRow("escape sequence") << u"\x1b[31mred"_s << 200 << u"\\x1b[31mred"_s;
    QTest::newRow("del and c1") << u"a\x7f\u0085"_s << 200 << u"a\\x7f\\x85"_s;
    QTest::newRow("line separator") << u"a\u2028b"_s << 200 << u"a\\u2028b"_s;
    QTest::newRow("backslash") << u"a\\nb"_s << 200 << u"a\\\\nb"_s;
    QTest::newRow("non-ascii kept") << u"zoë 日本"_s << 200 << u"zoë 日本"_s;
    QTest::newRow("astral kept") << u"😀x"_s << 200 << u"😀x"_s;
    QTest::newRow("capped") << u"abcdef"_s << 3 << u"abc…"_s;
    QTest::newRow("exactly cap") << u"abc"_s << 3 << u"abc"_s;
    QTest::newRow("cap counts characters") << u"😀😀😀"_s << 2 << u"😀😀…"_s;
}

void TestLogText::escapesText()
{
    QFETCH(QString, input);
    QFETCH(int, cap);
    QFETCH(QString, expected);
    QCOMPARE(LogText::escaped(QStringView(input), cap), expected);
}

void TestLogText::escapesBytes_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ascii") << QByteArray("/ws?x=1") << u"/ws?x=1"_s;
    QTest::newRow("newline") << QByteArray("/a\nb") << u"/a\\nb"_s;
    QTest::newRow("utf-8") << QByteArray("/zo\xc3\xab") << u"/zoë"_s;
    QTest::newRow("invalid utf-8") << QByteArray("/\xff\xc3") << u"/\\xff\\xc3"_s;
    QTest::newRow("nul") << QByteArray("a\0b", 3) << u"a\\x00b"_s;
    QTest::newRow("long path capped") << QByteArray(15000, 'a') << QString(200, u'a') + u'…';
}

void TestLogText::escapesBytes()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QCOMPARE(LogText::escaped(QByteArrayView(input)), expected);
}

void TestLogText::limiterPassesBudgetThenCountsSuppressed()
{
    LogLimiter limiter(3);
    for (int i = 0; i < 3; ++i)
        QVERIFY(limiter.admit());
    for (int i = 0; i < 5; ++i)
        QVERIFY(!limiter.admit());
    QCOMPARE(limiter.totalSuppressed(), 5u);
    // The next window's first line says how many were held back.
    LogLimiter fresh(1);
    QVERIFY(fresh.admit());
    QVERIFY(!fresh.admit());
    QVERIFY(!fresh.admit());
    // Waits without asking again: every refused admit() counts as suppressed
    // (and QTRY_VERIFY would evaluate the expression once more at the end).
    const QDeadlineTimer nextWindow(1100);
    QTRY_VERIFY_WITH_TIMEOUT(nextWindow.hasExpired(), 3000);
    const LogLimiter::Pass pass = fresh.admit();
    QVERIFY(pass.allowed);
    QCOMPARE(pass.suppressed, 2u);
    QCOMPARE(pass.suppressedNote(), u" (2 similar lines suppressed)"_s);
}

QTEST_GUILESS_MAIN(TestLogText)
#include "tst_logtext.moc"
