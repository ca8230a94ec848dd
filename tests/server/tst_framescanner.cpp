#include "ws/framescanner.h"

#include <QTest>

using namespace Herald;

namespace {

// A client frame: FIN, \a opcode, the length in 7, 7+16 or 7+64 bits, an
// optional mask key, then the payload (not masked here: the scanner never
// looks at it).
QByteArray frame(quint8 opcode, qsizetype length, bool masked = true)
{
    QByteArray out;
    out.append(char(0x80 | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (length < 126) {
        out.append(char(maskBit | char(length)));
    } else if (length <= 0xffff) {
        out.append(char(maskBit | 126));
        out.append(char(length >> 8));
        out.append(char(length & 0xff));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(length) >> shift) & 0xff));
    }
    if (masked)
        out.append("\x01\x02\x03\x04", 4);
    return out + QByteArray(length, 'x');
}

} // namespace

// FrameScanner follows the frames in a client's byte stream, however the
// bytes are split into reads.
class TestFrameScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countsFrames_data();
    void countsFrames();
    void unreadBoundTracksTheFrameInProgress();
};

void TestFrameScanner::countsFrames_data()
{
    QTest::addColumn<QByteArray>("head"); // passed over before the first frame
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("frames");
    QTest::addColumn<bool>("unmasked");

    const QByteArray head = "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n";
    QTest::newRow("nothing") << QByteArray() << QByteArray() << 0 << false;
    QTest::newRow("empty ping") << QByteArray() << frame(0x9, 0) << 1 << false;
    QTest::newRow("125-byte pings") << QByteArray() << frame(0x9, 125).repeated(40) << 40 << false;
    QTest::newRow("16-bit length")
        << QByteArray() << frame(0x1, 126) + frame(0x1, 65535) << 2 << false;
    QTest::newRow("64-bit length")
        << QByteArray() << frame(0x2, 65536) + frame(0xA, 3) << 2 << false;
    QTest::newRow("empty continuations")
        << QByteArray() << frame(0x0, 0).repeated(1000) << 1000 << false;
    QTest::newRow("after the request head") << head << frame(0x1, 10) + frame(0x9, 0) << 2 << false;
    QTest::newRow("unmasked text") << QByteArray() << frame(0x1, 5, false) << 1 << true;
    QTest::newRow("unmasked after masked")
        << QByteArray() << frame(0x9, 1) + frame(0x9, 1, false) << 2 << true;
    QTest::newRow("payload looks like an unmasked header")
        << QByteArray() << frame(0x1, 4) + frame(0x9, 0) << 2 << false;
}

// The same stream fed whole, one byte at a time, and in pieces of seven.
void TestFrameScanner::countsFrames()
{
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, stream);
    QFETCH(int, frames);
    QFETCH(bool, unmasked);
    const QByteArray bytes = head + stream;
    for (const qsizetype piece : {bytes.size() + 1, qsizetype(1), qsizetype(7)}) {
        FrameScanner scanner;
        scanner.skip(head.size());
        FrameScanner::Tally total;
        for (qsizetype at = 0; at < bytes.size(); at += piece) {
            const FrameScanner::Tally tally = scanner.scan(
                QByteArrayView(bytes).sliced(at, std::min(piece, bytes.size() - at)));
            total.frames += tally.frames;
            total.unmasked = total.unmasked || tally.unmasked;
        }
        QCOMPARE(total.frames, frames);
        QCOMPARE(total.unmasked, unmasked);
        QCOMPARE(scanner.unreadBound(), 0);
    }
}

// What a reader that takes whole header parts and whole payloads can have
// left: the partial header, or the payload bytes seen so far.
void TestFrameScanner::unreadBoundTracksTheFrameInProgress()
{
    FrameScanner scanner;
    const QByteArray ping = frame(0x9, 100);
    QCOMPARE(scanner.scan(ping.first(1)).frames, 0);
    QCOMPARE(scanner.unreadBound(), 1);
    QCOMPARE(scanner.scan(ping.sliced(1, 5)).frames, 1); // header complete
    QCOMPARE(scanner.unreadBound(), 0);
    scanner.scan(ping.sliced(6, 40));
    QCOMPARE(scanner.unreadBound(), 40);
    QCOMPARE(scanner.blind(), 60);
    scanner.passBlind(60);
    QCOMPARE(scanner.unreadBound(), 0);
}

QTEST_GUILESS_MAIN(TestFrameScanner)
#include "tst_framescanner.moc"
