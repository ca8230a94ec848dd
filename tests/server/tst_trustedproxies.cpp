#include "config/ipliteral.h"
#include "config/trustedproxies.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Herald::IpLiteral;
using Herald::TrustedProxies;

// trusted_proxies: the networks an entry list stands for, which peers they match
// (IPv4-mapped IPv6 peers included), and the entries refused when the config is read.
class TestTrustedProxies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void canonicalEntries_data();
    void canonicalEntries();
    void contains_data();
    void contains();
    void emptyTrustsNobody();
    void refused_data();
    void refused();
    void strictLiterals_data();
    void strictLiterals();
};

void TestTrustedProxies::canonicalEntries_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QStringList>("entries");

    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("only separators") << u" , ,"_s << QStringList();
    QTest::newRow("mixed list") << u"10.0.0.0/8, 127.0.0.1, ::1/128"_s
                                << QStringList{u"10.0.0.0/8"_s, u"127.0.0.1/32"_s, u"::1/128"_s};
    QTest::newRow("spaces separate too")
        << u"10.0.0.0/8 192.168.0.0/16"_s << QStringList{u"10.0.0.0/8"_s, u"192.168.0.0/16"_s};
    QTest::newRow("host bits cleared") << u"10.1.2.3/8"_s << QStringList{u"10.0.0.0/8"_s};
    QTest::newRow("IPv6 lower-cased") << u"2001:DB8::/32"_s << QStringList{u"2001:db8::/32"_s};
    QTest::newRow("IPv6 single address") << u"2001:db8::7"_s << QStringList{u"2001:db8::7/128"_s};
    QTest::newRow("IPv4-mapped network")
        << u"::ffff:10.0.0.0/104"_s << QStringList{u"10.0.0.0/8"_s};
    QTest::newRow("IPv4-mapped address") << u"::ffff:192.0.2.7"_s << QStringList{u"192.0.2.7/32"_s};
    QTest::newRow("everything") << u"0.0.0.0/0, ::/0"_s << QStringList{u"0.0.0.0/0"_s, u"::/0"_s};
}

void TestTrustedProxies::canonicalEntries()
{
    QFETCH(QString, config);
    QFETCH(QStringList, entries);
    QString error;
    const auto proxies = TrustedProxies::parse(config, &error);
    QVERIFY2(proxies, qPrintable(error));
    QCOMPARE(proxies->entries(), entries);
    QCOMPARE(proxies->isEmpty(), entries.isEmpty());
}

void TestTrustedProxies::contains_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<bool>("trusted");

    const QString mixed = u"10.0.0.0/8, 127.0.0.1, ::1/128, 2001:db8::/32"_s;
    QTest::newRow("in an IPv4 network") << mixed << u"10.255.0.1"_s << true;
    QTest::newRow("next to it") << mixed << u"11.0.0.1"_s << false;
    QTest::newRow("single address") << mixed << u"127.0.0.1"_s << true;
    QTest::newRow("its neighbour") << mixed << u"127.0.0.2"_s << false;
    QTest::newRow("IPv6 loopback") << mixed << u"::1"_s << true;
    QTest::newRow("in an IPv6 network") << mixed << u"2001:db8:1::5"_s << true;
    QTest::newRow("outside it") << mixed << u"2001:db9::5"_s << false;
    QTest::newRow("IPv4-mapped peer, IPv4 network") << mixed << u"::ffff:10.1.2.3"_s << true;
    QTest::newRow("IPv4-mapped peer, single address") << mixed << u"::ffff:127.0.0.1"_s << true;
    QTest::newRow("IPv4-mapped peer outside") << mixed << u"::ffff:11.1.2.3"_s << false;
    QTest::newRow("IPv4-compatible is not mapped") << mixed << u"::10.1.2.3"_s << false;
    QTest::newRow("mapped network, IPv4 peer") << u"::ffff:10.0.0.0/104"_s << u"10.9.9.9"_s << true;
    QTest::newRow("all IPv4, mapped peer") << u"0.0.0.0/0"_s << u"::ffff:1.2.3.4"_s << true;
    QTest::newRow("all IPv6, IPv4 peer") << u"::/0"_s << u"1.2.3.4"_s << false;
}

void TestTrustedProxies::contains()
{
    QFETCH(QString, config);
    QFETCH(QString, peer);
    QFETCH(bool, trusted);
    QString error;
    const auto proxies = TrustedProxies::parse(config, &error);
    QVERIFY2(proxies, qPrintable(error));
    QCOMPARE(proxies->contains(QHostAddress(peer)), trusted);
}

void TestTrustedProxies::emptyTrustsNobody()
{
    const TrustedProxies none;
    QVERIFY(none.isEmpty());
    for (const QString &peer : {u"127.0.0.1"_s, u"::1"_s, u"10.0.0.1"_s, u"0.0.0.0"_s})
        QVERIFY(!none.contains(QHostAddress(peer)));
}

void TestTrustedProxies::refused_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("error");

    const QString notAddress = u"is not an IP address or network"_s;
    QTest::newRow("host name") << u"10.0.0.0/8, proxy.example.com"_s
                               << u"'proxy.example.com' "_s + notAddress;
    QTest::newRow("short quad") << u"1.2.3/8"_s << u"'1.2.3/8' "_s + notAddress;
    QTest::newRow("leading zero") << u"01.2.3.4"_s << u"'01.2.3.4' "_s + notAddress;
    QTest::newRow("hex part") << u"0x1.2.3.4"_s << u"'0x1.2.3.4' "_s + notAddress;
    QTest::newRow("part over 255") << u"10.0.0.256"_s << u"'10.0.0.256' "_s + notAddress;
    QTest::newRow("no address") << u"/8"_s << u"'/8' "_s + notAddress;
    QTest::newRow("IPv6 zone") << u"fe80::1%eth0"_s << u"'fe80::1%eth0' "_s + notAddress;
    QTest::newRow("wildcard") << u"*"_s << u"'*' "_s + notAddress;
    QTest::newRow("IPv4 prefix 33")
        << u"10.0.0.0/33"_s << u"'10.0.0.0/33' has prefix length '33'"_s;
    QTest::newRow("IPv6 prefix 129") << u"::/129"_s << u"'::/129' has prefix length '129'"_s;
    QTest::newRow("empty prefix") << u"10.0.0.0/"_s << u"'10.0.0.0/' has prefix length ''"_s;
    QTest::newRow("negative prefix") << u"10.0.0.0/-1"_s << u"has prefix length '-1'"_s;
    QTest::newRow("zero-padded prefix") << u"10.0.0.0/08"_s << u"has prefix length '08'"_s;
    QTest::newRow("netmask") << u"10.0.0.0/255.0.0.0"_s << u"has prefix length '255.0.0.0'"_s;
}

void TestTrustedProxies::refused()
{
    QFETCH(QString, config);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!TrustedProxies::parse(config, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
}

void TestTrustedProxies::strictLiterals_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("address"); // empty: refused

    QTest::newRow("IPv4") << "192.0.2.1"_ba << u"192.0.2.1"_s;
    QTest::newRow("IPv4 zeros") << "0.0.0.0"_ba << u"0.0.0.0"_s;
    QTest::newRow("IPv4 max") << "255.255.255.255"_ba << u"255.255.255.255"_s;
    QTest::newRow("IPv6") << "2001:db8::1"_ba << u"2001:db8::1"_s;
    QTest::newRow("IPv6 mapped, kept") << "::ffff:192.0.2.1"_ba << u"::ffff:192.0.2.1"_s;
    QTest::newRow("three parts") << "1.2.3"_ba << QString();
    QTest::newRow("five parts") << "1.2.3.4.5"_ba << QString();
    QTest::newRow("trailing dot") << "1.2.3.4."_ba << QString();
    QTest::newRow("leading zero") << "1.2.3.04"_ba << QString();
    QTest::newRow("space") << " 1.2.3.4"_ba << QString();
    QTest::newRow("sign") << "+1.2.3.4"_ba << QString();
    QTest::newRow("IPv6 zone") << "fe80::1%1"_ba << QString();
    QTest::newRow("IPv6 bad tail") << "::ffff:1.2.3"_ba << QString();
    QTest::newRow("IPv6 too many groups") << "1:2:3:4:5:6:7:8:9"_ba << QString();
    QTest::newRow("empty") << ""_ba << QString();
}

void TestTrustedProxies::strictLiterals()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, address);
    const auto parsed = IpLiteral::parse(text);
    QCOMPARE(parsed ? parsed->toString() : QString(), address);
}

QTEST_GUILESS_MAIN(TestTrustedProxies)
#include "tst_trustedproxies.moc"
