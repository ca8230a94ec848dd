#include "api/requestframer.h"

#include <QTest>

using Herald::RequestFramer;

namespace {

// What a framer made of \a stream fed in pieces of \a piece bytes (0: all at once).
struct Outcome
{
    QList<QByteArray> targets;
    int status = 0; // of the refusal; 0: none
    RequestFramer::State state = RequestFramer::State::Idle;
};

Outcome feed(const QByteArray &stream, qsizetype piece)
{
    RequestFramer framer(1024);
    Outcome outcome;
    for (qsizetype at = 0; at < stream.size(); at += piece ? piece : stream.size()) {
        const RequestFramer::Output output = framer.feed(QByteArrayView(stream).sliced(
            at, std::min(piece ? piece : stream.size(), stream.size() - at)));
        for (const Herald::HttpRequestHead &head : output.heads)
            outcome.targets.append(head.target);
        if (output.error)
            outcome.status = output.error->status;
    }
    outcome.state = framer.state();
    return outcome;
}

// A GET whose head, final "\r\n\r\n" not counted, is \a size bytes long.
QByteArray getOfSize(qsizetype size)
{
    const QByteArray start = "GET /a HTTP/1.1\r\nHost: h\r\nX-Pad: ";
    return start + QByteArray(size - start.size(), 'p') + "\r\n\r\n";
}

} // namespace

class TestRequestFramer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAnswerHoweverCut_data();
    void sameAnswerHoweverCut();
};

void TestRequestFramer::sameAnswerHoweverCut_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("status");

    const QByteArray get = "GET /g HTTP/1.1\r\nHost: h\r\n\r\n";
    const QByteArray post = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
    QTest::newRow("one") << get << 1 << 0;
    QTest::newRow("pipelined with bodies") << QByteArray("\r\n" + post + get + post) << 3 << 0;
    QTest::newRow("bare LF stops reading")
        << QByteArray(get + "GET / HTTP/1.1\nHost: h\r\n\r\n" + get) << 1 << 400;
    QTest::newRow("body over the limit") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\n"
                                                       "Content-Length: 1025\r\n\r\n")
                                         << 0 << 413;
    // Found by fuzz_httpframer: a head of 16 KiB + 1 to + 3 bytes was accepted
    // when it came in one read and refused when it came in several.
    QTest::newRow("head at the limit") << getOfSize(RequestFramer::MaxHeadBytes) << 1 << 0;
    QTest::newRow("head one byte over") << getOfSize(RequestFramer::MaxHeadBytes + 1) << 0 << 431;
    QTest::newRow("head three bytes over")
        << getOfSize(RequestFramer::MaxHeadBytes + 3) << 0 << 431;
}

void TestRequestFramer::sameAnswerHoweverCut()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, heads);
    QFETCH(int, status);

    const Outcome whole = feed(stream, 0);
    QCOMPARE(whole.targets.size(), heads);
    QCOMPARE(whole.status, status);
    for (qsizetype piece : {1, 2, 3, 7, 1000, 16 * 1024 + 1}) {
        const Outcome cut = feed(stream, piece);
        QCOMPARE(cut.targets, whole.targets);
        QCOMPARE(cut.status, whole.status);
        QCOMPARE(cut.state, whole.state);
    }
}

QTEST_APPLESS_MAIN(TestRequestFramer)
#include "tst_requestframer.moc"
