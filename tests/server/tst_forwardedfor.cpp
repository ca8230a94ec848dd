#include "config/trustedproxies.h"
#include "ws/forwardedfor.h"
#include "ws/handshakerequest.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Herald::ForwardedFor;
using Herald::HandshakeRequest;
using Herald::TrustedProxies;
using Status = ForwardedFor::Status;

Q_DECLARE_METATYPE(ForwardedFor::Status)

// Forwarded and X-Forwarded-For from a trusted proxy: the client found walking from the
// right past trusted proxies, what names no client, and every malformed value.
class TestForwardedFor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resolve_data();
    void resolve();
    void headerLinesAreJoined();
};

void TestForwardedFor::resolve_data()
{
    QTest::addColumn<QByteArray>("forwarded");
    QTest::addColumn<QByteArray>("xff");
    QTest::addColumn<QString>("trusted");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");

    const QString lan = u"10.0.0.0/8, 2001:db8:ffff::/48"_s;
    const QByteArray none;
    const auto found = [](const char *name, const QByteArray &forwarded, const QByteArray &xff,
                          const QString &trusted, const QString &address, int port = 0) {
        QTest::newRow(name) << forwarded << xff << trusted << Status::Found << address << port;
    };
    const auto absent = [](const char *name, const QByteArray &forwarded, const QByteArray &xff,
                           const QString &trusted) {
        QTest::newRow(name) << forwarded << xff << trusted << Status::Absent << QString() << 0;
    };
    const auto malformed
        = [](const char *name, const QByteArray &forwarded, const QByteArray &xff) {
              QTest::newRow(name) << forwarded << xff << u"10.0.0.0/8"_s << Status::Malformed
                                  << QString() << 0;
          };

    absent("neither header", none, none, lan);
    absent("blank values", "  "_ba, " \t"_ba, lan);

    found("xff one address", none, "203.0.113.7"_ba, lan, u"203.0.113.7"_s);
    found("xff past a trusted proxy", none, "203.0.113.7, 10.0.0.2"_ba, lan, u"203.0.113.7"_s);
    found("xff spoofed left part ignored", none, "198.51.100.1, 203.0.113.7, 10.0.0.2"_ba, lan,
          u"203.0.113.7"_s);
    found("xff untrusted right part wins", none, "203.0.113.7, 198.51.100.1"_ba, lan,
          u"198.51.100.1"_s);
    found("xff all trusted: leftmost", none, "10.0.0.3, 10.0.0.2"_ba, lan, u"10.0.0.3"_s);
    found("xff nothing trusted", none, "203.0.113.7, 10.0.0.2"_ba, QString(), u"10.0.0.2"_s);
    found("xff IPv6", none, "2001:db8::1"_ba, lan, u"2001:db8::1"_s);
    found("xff IPv6 past an IPv6 proxy", none, "2001:db8::1, 2001:db8:ffff::5"_ba, lan,
          u"2001:db8::1"_s);
    found("xff bracketed IPv6 with port", none, "[2001:db8::1]:4711"_ba, lan, u"2001:db8::1"_s,
          4711);
    found("xff bracketed IPv6", none, "[2001:db8::1]"_ba, lan, u"2001:db8::1"_s);
    found("xff IPv4 with port", none, "203.0.113.7:5555"_ba, lan, u"203.0.113.7"_s, 5555);
    found("xff IPv4-mapped", none, "::ffff:203.0.113.7"_ba, lan, u"203.0.113.7"_s);
    found("xff IPv4-mapped proxy is trusted", none, "203.0.113.7, ::ffff:10.0.0.2"_ba, lan,
          u"203.0.113.7"_s);
    found("xff empty entries ignored", none, ", 203.0.113.7 ,,"_ba, lan, u"203.0.113.7"_s);
    malformed("xff word", none, "evil"_ba);
    malformed("xff unknown", none, "unknown"_ba);
    malformed("xff short quad", none, "1.2.3"_ba);
    malformed("xff leading zero", none, "203.0.113.07"_ba);
    malformed("xff port too big", none, "203.0.113.7:99999"_ba);
    malformed("xff empty port", none, "203.0.113.7:"_ba);
    malformed("xff bracket unclosed", none, "[2001:db8::1"_ba);
    malformed("xff junk after bracket", none, "[2001:db8::1]x"_ba);
    malformed("xff IPv4 in brackets", none, "[203.0.113.7]"_ba);
    malformed("xff zone", none, "fe80::1%eth0"_ba);
    malformed("xff bad entry left of the client", none, "garbage, 203.0.113.7"_ba);

    found("forwarded RFC example", "for=192.0.2.60;proto=http;by=203.0.113.43"_ba, none, lan,
          u"192.0.2.60"_s);
    found("forwarded quoted IPv6 with port", "for=\"[2001:db8:cafe::17]:4711\""_ba, none, lan,
          u"2001:db8:cafe::17"_s, 4711);
    found("forwarded quoted IPv4 with port", "for=\"192.0.2.43:47011\""_ba, none, lan,
          u"192.0.2.43"_s, 47011);
    found("forwarded rightmost untrusted", "for=192.0.2.43, for=198.51.100.17"_ba, none, lan,
          u"198.51.100.17"_s);
    found("forwarded past a trusted proxy", "for=192.0.2.43, for=10.0.0.5;proto=https"_ba, none,
          lan, u"192.0.2.43"_s);
    found("forwarded name in any case", "For=192.0.2.60"_ba, none, lan, u"192.0.2.60"_s);
    found("forwarded pairs in any order", "proto=https;for=192.0.2.60;host=example.com"_ba, none,
          lan, u"192.0.2.60"_s);
    found("forwarded spaces around pairs", "for=192.0.2.60 ; proto=http"_ba, none, lan,
          u"192.0.2.60"_s);
    found("forwarded obfuscated port", "for=\"192.0.2.43:_abc\""_ba, none, lan, u"192.0.2.43"_s);
    found("forwarded quoted comma is no separator", "for=192.0.2.1;host=\"a,b\""_ba, none, lan,
          u"192.0.2.1"_s);
    found("forwarded beats xff", "for=192.0.2.43"_ba, "198.51.100.1"_ba, lan, u"192.0.2.43"_s);
    found("forwarded walk stops at unknown", "for=unknown, for=10.0.0.5"_ba, none, lan,
          u"10.0.0.5"_s);
    absent("forwarded unknown", "for=unknown"_ba, "198.51.100.1"_ba, lan);
    absent("forwarded obfuscated", "for=192.0.2.43, for=_hidden"_ba, none, lan);
    absent("forwarded unknown after client", "for=192.0.2.43, for=UNKNOWN"_ba, none, lan);
    absent("forwarded without for", "proto=https;by=10.0.0.5"_ba, none, lan);
    malformed("forwarded bracket unclosed", "for=\"[2001:db8::1\""_ba, none);
    malformed("forwarded quote unclosed", "for=\"192.0.2.43"_ba, none);
    malformed("forwarded IPv6 without brackets", "for=\"2001:db8::1\""_ba, none);
    malformed("forwarded for twice", "for=192.0.2.43;for=192.0.2.44"_ba, none);
    malformed("forwarded empty for", "for="_ba, none);
    malformed("forwarded pair without =", "garbage"_ba, none);
    malformed("forwarded host name", "for=example.com"_ba, none);
    malformed("forwarded empty port", "for=\"[2001:db8::1]:\""_ba, none);
    malformed("forwarded space in token", "for=192.0.2.1 x"_ba, none);
    malformed("forwarded bad element left of the client", "for=x, for=192.0.2.43"_ba, none);
}

void TestForwardedFor::resolve()
{
    QFETCH(QByteArray, forwarded);
    QFETCH(QByteArray, xff);
    QFETCH(QString, trusted);
    QFETCH(Status, status);
    QFETCH(QString, address);
    QFETCH(int, port);
    QString error;
    const auto proxies = TrustedProxies::parse(trusted, &error);
    QVERIFY2(proxies, qPrintable(error));
    const ForwardedFor::Result result = ForwardedFor::resolve(forwarded, xff, *proxies);
    QCOMPARE(result.status, status);
    QCOMPARE(result.status == Status::Found ? result.address.toString() : QString(), address);
    QCOMPARE(int(result.port), port);
}

// Proxies that add a line each (HAProxy's option forwardfor) make a list of several lines.
void TestForwardedFor::headerLinesAreJoined()
{
    const auto request = HandshakeRequest::parse("GET /ws HTTP/1.1\r\nX-Forwarded-For: 1.2.3.4\r\n"
                                                 "Host: h\r\nx-forwarded-for: 5.6.7.8, 9.9.9.9\r\n"
                                                 "\r\n");
    QVERIFY(request);
    QCOMPARE(request->joinedHeader("x-forwarded-for"), "1.2.3.4, 5.6.7.8, 9.9.9.9"_ba);
    QCOMPARE(request->header("x-forwarded-for"), "5.6.7.8, 9.9.9.9"_ba);
    QCOMPARE(request->joinedHeader("forwarded"), QByteArray());
}

QTEST_GUILESS_MAIN(TestForwardedFor)
#include "tst_forwardedfor.moc"
