#include "frames.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

class TestFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void utf8LengthIsTheWireLength_data();
    void utf8LengthIsTheWireLength();
};

void TestFrames::utf8LengthIsTheWireLength_data()
{
    QTest::addColumn<QString>("frame");
    QTest::addColumn<qsizetype>("bytes");
    QTest::newRow("empty") << QString() << qsizetype(0);
    QTest::newRow("ASCII") << u"{\"type\":\"pong\"}"_s << qsizetype(15);
    QTest::newRow("two bytes") << u"caf\u00e9"_s << qsizetype(5);
    QTest::newRow("three bytes") << u"\u20ac1"_s << qsizetype(4);
    QTest::newRow("surrogate pair") << QString::fromUtf8("a\xF0\x9F\x98\x80z") << qsizetype(6);
    QTest::newRow("lone high surrogate") << QString(QChar(0xd83d)) << qsizetype(1);
    QTest::newRow("lone low surrogate") << QString(QChar(0xde00)) + u"x"_s << qsizetype(2);
    QTest::newRow("high surrogate at the end") << u"ab"_s + QChar(0xd83d) << qsizetype(3);
}

void TestFrames::utf8LengthIsTheWireLength()
{
    QFETCH(QString, frame);
    QFETCH(qsizetype, bytes);
    QCOMPARE(Frames::utf8Length(frame), bytes);
    QCOMPARE(Frames::utf8Length(frame), frame.toUtf8().size()); // what QWebSocket sends
}

QTEST_GUILESS_MAIN(TestFrames)
#include "tst_frames.moc"
