#include "ws/proxyheader.h"

#include <QTest>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;
using Herald::ProxyHeader;
using Status = ProxyHeader::Status;

Q_DECLARE_METATYPE(ProxyHeader::Status)

namespace {

const QByteArray V2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
const QByteArray Request = "GET /ws HTTP/1.1\r\n\r\n";

QByteArray bigEndian16(int value)
{
    QByteArray bytes(2, '\0');
    qToBigEndian(quint16(value), bytes.data());
    return bytes;
}

// A v2 header: signature, version/command byte, family/transport byte, length, payload.
QByteArray v2(quint8 versionCommand, quint8 family, const QByteArray &payload)
{
    return V2Signature + char(versionCommand) + char(family) + bigEndian16(int(payload.size()))
        + payload;
}

QByteArray ipv4Block(const char *source, const char *destination, int sourcePort, int destPort)
{
    QByteArray block(8, '\0');
    qToBigEndian(QHostAddress(QString::fromLatin1(source)).toIPv4Address(), block.data());
    qToBigEndian(QHostAddress(QString::fromLatin1(destination)).toIPv4Address(), block.data() + 4);
    return block + bigEndian16(sourcePort) + bigEndian16(destPort);
}

QByteArray ipv6Block(const char *source, const char *destination, int sourcePort, int destPort)
{
    const Q_IPV6ADDR from = QHostAddress(QString::fromLatin1(source)).toIPv6Address();
    const Q_IPV6ADDR to = QHostAddress(QString::fromLatin1(destination)).toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(from.c), 16)
        + QByteArray(reinterpret_cast<const char *>(to.c), 16) + bigEndian16(sourcePort)
        + bigEndian16(destPort);
}

// A TLV: type, 16-bit length, value.
QByteArray tlv(quint8 type, const QByteArray &value)
{
    return char(type) + bigEndian16(int(value.size())) + value;
}

} // namespace

// The PROXY protocol header: every valid form, every malformed one, and the property that
// makes it incremental: no prefix of a valid header is refused or taken as whole.
class TestProxyHeader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void splitAcrossReads_data() { valid_data(); }
    void splitAcrossReads();
    void needMore_data();
    void needMore();
    void invalid_data();
    void invalid();
    void invalidStaysInvalid_data() { invalid_data(); }
    void invalidStaysInvalid();
};

void TestProxyHeader::valid_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("source"); // empty: none given, keep the peer's
    QTest::addColumn<int>("port");

    QTest::newRow("v1 TCP4") << "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n"_ba
                             << u"192.0.2.1"_s << 56324;
    QTest::newRow("v1 TCP6") << "PROXY TCP6 2001:db8::1 2001:db8::2 4711 80\r\n"_ba
                             << u"2001:db8::1"_s << 4711;
    QTest::newRow("v1 TCP6, IPv4-mapped")
        << "PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n"_ba << u"::ffff:192.0.2.1"_s << 1;
    QTest::newRow("v1 ports 0 and 65535")
        << "PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"_ba << u"0.0.0.0"_s << 0;
    QTest::newRow("v1 UNKNOWN") << "PROXY UNKNOWN\r\n"_ba << QString() << 0;
    QTest::newRow("v1 UNKNOWN, rest ignored")
        << "PROXY UNKNOWN whatever 1 2 3\r\n"_ba << QString() << 0;
    // The longest header the specification allows: 107 bytes with the CRLF.
    const QByteArray longest = "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535";
    QTest::newRow("v1, 107 bytes") << longest + QByteArray(105 - longest.size(), 'x') + "\r\n"
                                   << QString() << 0;
    QTest::newRow("v1 TCP6, longest addresses")
        << "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"_ba
        << u"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"_s << 65535;

    QTest::newRow("v2 PROXY IPv4")
        << v2(0x21, 0x11, ipv4Block("203.0.113.7", "10.0.0.1", 50000, 8080)) << u"203.0.113.7"_s
        << 50000;
    QTest::newRow("v2 PROXY IPv6")
        << v2(0x21, 0x21, ipv6Block("2001:db8::7", "2001:db8::1", 443, 8080)) << u"2001:db8::7"_s
        << 443;
    QTest::newRow("v2 PROXY IPv4 with TLVs")
        << v2(0x21, 0x11,
              ipv4Block("203.0.113.8", "10.0.0.1", 1234, 8080) + tlv(0x01, "h2")
                  + tlv(0x05, "unique-id") + tlv(0xEA, QByteArray(300, 'v')))
        << u"203.0.113.8"_s << 1234;
    QTest::newRow("v2 LOCAL") << v2(0x20, 0x00, {}) << QString() << 0;
    QTest::newRow("v2 LOCAL, addresses ignored")
        << v2(0x20, 0x11, ipv4Block("203.0.113.7", "10.0.0.1", 1, 2)) << QString() << 0;
    QTest::newRow("v2 PROXY AF_UNSPEC") << v2(0x21, 0x00, tlv(0x04, {})) << QString() << 0;
    QTest::newRow("v2 at the length limit")
        << v2(0x21, 0x11,
              ipv4Block("203.0.113.9", "10.0.0.1", 9, 9)
                  + tlv(0xE0, QByteArray(ProxyHeader::MaxV2Bytes - 16 - 12 - 3, 'p')))
        << u"203.0.113.9"_s << 9;
}

void TestProxyHeader::valid()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, source);
    QFETCH(int, port);
    // What follows the header is the stream's: the header's length says where it starts.
    const ProxyHeader::Result result = ProxyHeader::parse(header + Request);
    QVERIFY2(result.status == Status::Done, qPrintable(result.reason));
    QCOMPARE(result.consumed, header.size());
    QCOMPARE(result.source ? result.source->toString() : QString(), source);
    QCOMPARE(int(result.sourcePort), port);
    // Nothing after it: the same.
    QCOMPARE(ProxyHeader::parse(header).consumed, header.size());
}

void TestProxyHeader::splitAcrossReads()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, source);
    for (qsizetype cut = 0; cut < header.size(); ++cut) {
        const ProxyHeader::Result part = ProxyHeader::parse(header.left(cut));
        QVERIFY2(part.status == Status::NeedMore,
                 qPrintable(u"after %1 bytes: %2"_s.arg(cut).arg(part.reason)));
    }
    const ProxyHeader::Result whole = ProxyHeader::parse(header);
    QCOMPARE(whole.status, Status::Done);
    QCOMPARE(whole.source ? whole.source->toString() : QString(), source);
}

void TestProxyHeader::needMore_data()
{
    QTest::addColumn<QByteArray>("received");

    QTest::newRow("nothing") << QByteArray();
    QTest::newRow("v1 prefix") << "PRO"_ba;
    QTest::newRow("v1 without line end") << "PROXY TCP4 192.0.2.1 198.51.100.2 1 2"_ba;
    QTest::newRow("v1 CR without LF") << "PROXY TCP4 192.0.2.1 198.51.100.2 1 2\r"_ba;
    QTest::newRow("v2 part of the signature") << V2Signature.left(7);
    QTest::newRow("v2 without the length") << v2(0x21, 0x11, {}).left(14);
    QTest::newRow("v2 without all the addresses")
        << v2(0x21, 0x11, ipv4Block("203.0.113.7", "10.0.0.1", 1, 2)).left(20);
}

void TestProxyHeader::needMore()
{
    QFETCH(QByteArray, received);
    const ProxyHeader::Result result = ProxyHeader::parse(received);
    QVERIFY2(result.status == Status::NeedMore, qPrintable(result.reason));
    QCOMPARE(result.consumed, 0);
}

void TestProxyHeader::invalid_data()
{
    QTest::addColumn<QByteArray>("received");
    QTest::addColumn<QString>("reason");

    const QString none = u"no PROXY header"_s;
    QTest::newRow("HTTP instead") << Request << none;
    QTest::newRow("TLS instead") << "\x16\x03\x01\x02\x00"_ba << none;
    QTest::newRow("lower case") << "proxy TCP4 192.0.2.1 198.51.100.2 1 2\r\n"_ba << none;
    QTest::newRow("no space after PROXY") << "PROXYTCP4"_ba << none;
    QTest::newRow("v1 LF only") << "PROXY TCP4 192.0.2.1 198.51.100.2 1 2\n"_ba << u"CRLF"_s;
    QTest::newRow("v1 CR inside") << "PROXY TCP4 192.0.2.1\r 198.51.100.2 1 2\r\n"_ba
                                  << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 empty protocol") << "PROXY \r\n"_ba << u"not TCP4, TCP6 or UNKNOWN"_s;
    QTest::newRow("v1 TCP5") << "PROXY TCP5 192.0.2.1 198.51.100.2 1 2\r\n"_ba
                             << u"not TCP4, TCP6 or UNKNOWN"_s;
    QTest::newRow("v1 UDP4") << "PROXY UDP4 192.0.2.1 198.51.100.2 1 2\r\n"_ba
                             << u"not TCP4, TCP6 or UNKNOWN"_s;
    QTest::newRow("v1 unknown in lower case")
        << "PROXY unknown\r\n"_ba << u"not TCP4, TCP6 or UNKNOWN"_s;
    QTest::newRow("v1 double space")
        << "PROXY TCP4  192.0.2.1 198.51.100.2 1 2\r\n"_ba << u"6 fields"_s;
    QTest::newRow("v1 missing port")
        << "PROXY TCP4 192.0.2.1 198.51.100.2 1\r\n"_ba << u"6 fields"_s;
    QTest::newRow("v1 trailing space")
        << "PROXY TCP4 192.0.2.1 198.51.100.2 1 2 \r\n"_ba << u"6 fields"_s;
    QTest::newRow("v1 TCP4 with IPv6")
        << "PROXY TCP4 2001:db8::1 198.51.100.2 1 2\r\n"_ba << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 TCP4, bad destination")
        << "PROXY TCP4 192.0.2.1 198.51.100 1 2\r\n"_ba << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 TCP6 with IPv4") << "PROXY TCP6 192.0.2.1 ::1 1 2\r\n"_ba << u"not IPv6"_s;
    QTest::newRow("v1 short quad")
        << "PROXY TCP4 192.0.2 198.51.100.2 1 2\r\n"_ba << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 leading zero")
        << "PROXY TCP4 192.0.2.01 198.51.100.2 1 2\r\n"_ba << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 part over 255")
        << "PROXY TCP4 192.0.2.256 198.51.100.2 1 2\r\n"_ba << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 host name") << "PROXY TCP4 localhost 198.51.100.2 1 2\r\n"_ba
                                  << u"not dotted-quad IPv4"_s;
    QTest::newRow("v1 IPv6 zone") << "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"_ba << u"not IPv6"_s;
    QTest::newRow("v1 port over 65535")
        << "PROXY TCP4 192.0.2.1 198.51.100.2 65536 2\r\n"_ba << u"port"_s;
    QTest::newRow("v1 negative port")
        << "PROXY TCP4 192.0.2.1 198.51.100.2 -1 2\r\n"_ba << u"port"_s;
    QTest::newRow("v1 zero-padded port")
        << "PROXY TCP4 192.0.2.1 198.51.100.2 01 2\r\n"_ba << u"port"_s;
    QTest::newRow("v1 bad destination port")
        << "PROXY TCP4 192.0.2.1 198.51.100.2 1 x\r\n"_ba << u"port"_s;
    QTest::newRow("v1, 107 bytes without line end")
        << "PROXY UNKNOWN " + QByteArray(93, 'x') << u"longer than 107 bytes"_s;
    QTest::newRow("v1, line end at byte 108") << "PROXY UNKNOWN " + QByteArray(92, 'x') + "\r\n"
                                              << u"longer than 107 bytes"_s;
    QTest::newRow("v1, a flood") << "PROXY " + QByteArray(10000, 'A') << u"longer than 107"_s;

    const QByteArray ipv4 = ipv4Block("203.0.113.7", "10.0.0.1", 1, 2);
    QTest::newRow("v2 broken signature") << "\r\n\r\n\0X"_ba << u"v2 signature broken"_s;
    QTest::newRow("v2 signature, then HTTP")
        << "\r\nGET / HTTP/1.1\r\n"_ba << u"v2 signature broken"_s;
    QTest::newRow("v2 version 1") << v2(0x11, 0x11, ipv4) << u"version 1"_s;
    QTest::newRow("v2 version 3") << v2(0x31, 0x11, ipv4) << u"version 3"_s;
    QTest::newRow("v2 command 2") << v2(0x22, 0x11, ipv4) << u"command 2"_s;
    QTest::newRow("v2 command 15") << v2(0x2F, 0x11, ipv4) << u"command 15"_s;
    QTest::newRow("v2 UDP over IPv4") << v2(0x21, 0x12, ipv4) << u"0x12"_s;
    QTest::newRow("v2 unspecified transport") << v2(0x21, 0x10, ipv4) << u"0x10"_s;
    QTest::newRow("v2 AF_UNIX") << v2(0x21, 0x31, QByteArray(216, '\0')) << u"0x31"_s;
    QTest::newRow("v2 family 4") << v2(0x21, 0x41, ipv4) << u"0x41"_s;
    QTest::newRow("v2 IPv4 block too short") << v2(0x21, 0x11, ipv4.left(11)) << u"too short"_s;
    QTest::newRow("v2 IPv6 block too short")
        << v2(0x21, 0x21, ipv6Block("2001:db8::7", "::1", 1, 2).left(35)) << u"too short"_s;
    QTest::newRow("v2 IPv6 family with IPv4 block") << v2(0x21, 0x21, ipv4) << u"too short"_s;
    // Refused as soon as the fixed part shows the length: the rest is never waited for.
    QTest::newRow("v2 over the length limit")
        << (V2Signature + "\x21\x11" + bigEndian16(ProxyHeader::MaxV2Bytes - 15)) << u"over 4096"_s;
    QTest::newRow("v2 length 65535") << (V2Signature + "\x21\x11\xff\xff"_ba) << u"over 4096"_s;
}

void TestProxyHeader::invalid()
{
    QFETCH(QByteArray, received);
    QFETCH(QString, reason);
    const ProxyHeader::Result result = ProxyHeader::parse(received);
    QCOMPARE(result.status, Status::Invalid);
    QVERIFY2(result.reason.contains(reason), qPrintable(result.reason));
    QVERIFY(!result.source);
    QCOMPARE(result.consumed, 0);
}

// More bytes never turn a refusal into a header, and no prefix is taken as whole.
void TestProxyHeader::invalidStaysInvalid()
{
    QFETCH(QByteArray, received);
    QCOMPARE(ProxyHeader::parse(received + Request).status, Status::Invalid);
    for (qsizetype cut = 0; cut < std::min<qsizetype>(received.size(), 200); ++cut)
        QVERIFY(ProxyHeader::parse(received.left(cut)).status != Status::Done);
}

QTEST_GUILESS_MAIN(TestProxyHeader)
#include "tst_proxyheader.moc"
