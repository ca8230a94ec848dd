#include "config/originpolicy.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using Herald::OriginPolicy;

// allowed_origins: which Origin headers an entry list lets through, and the entries
// refused when the config is read, each with what is wrong with it.
class TestOriginPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void allows_data();
    void allows();
    void emptyAllowsAll();
    void canonicalEntries();
    void refused_data();
    void refused();
};

void TestOriginPolicy::allows_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("allowed");

    const QString exact = u"https://app.example.com"_s;
    const QString pattern = u"https://*.example.com"_s;
    QTest::newRow("exact") << exact << "https://app.example.com"_ba << true;
    QTest::newRow("exact, other host") << exact << "https://api.example.com"_ba << false;
    QTest::newRow("host in upper case") << exact << "https://APP.Example.COM"_ba << true;
    QTest::newRow("scheme in upper case") << exact << "HTTPS://app.example.com"_ba << true;
    QTest::newRow("config in upper case")
        << u"HTTPS://App.Example.Com"_s << "https://app.example.com"_ba << true;
    QTest::newRow("default port spelled out") << exact << "https://app.example.com:443"_ba << true;
    QTest::newRow("default port in config")
        << u"http://app.example.com:80"_s << "http://app.example.com"_ba << true;
    QTest::newRow("other port") << exact << "https://app.example.com:8443"_ba << false;
    QTest::newRow("port must match")
        << u"http://localhost:3000"_s << "http://localhost:3000"_ba << true;
    QTest::newRow("port missing") << u"http://localhost:3000"_s << "http://localhost"_ba << false;
    QTest::newRow("http is not https") << exact << "http://app.example.com"_ba << false;
    QTest::newRow("https port on http") << exact << "http://app.example.com:443"_ba << false;
    QTest::newRow("second entry") << u"https://a.example.org, https://app.example.com"_s
                                  << "https://app.example.com"_ba << true;
    QTest::newRow("pattern, depth 1") << pattern << "https://app.example.com"_ba << true;
    QTest::newRow("pattern, depth 3") << pattern << "https://a.b.c.example.com"_ba << true;
    QTest::newRow("pattern, not the domain") << pattern << "https://example.com"_ba << false;
    QTest::newRow("pattern, lookalike") << pattern << "https://evil-example.com"_ba << false;
    QTest::newRow("pattern, glued label") << pattern << "https://xexample.com"_ba << false;
    QTest::newRow("pattern, as prefix")
        << pattern << "https://app.example.com.evil.net"_ba << false;
    QTest::newRow("pattern, empty label") << pattern << "https://.example.com"_ba << false;
    QTest::newRow("pattern, scheme") << pattern << "http://app.example.com"_ba << false;
    QTest::newRow("pattern with port")
        << u"https://*.example.com:8443"_s << "https://app.example.com:8443"_ba << true;
    QTest::newRow("pattern, port missing")
        << u"https://*.example.com:8443"_s << "https://app.example.com"_ba << false;
    QTest::newRow("exact, lookalike suffix")
        << exact << "https://app.example.com.evil.net"_ba << false;
    QTest::newRow("exact, subdomain") << exact << "https://x.app.example.com"_ba << false;
    QTest::newRow("null origin") << exact << "null"_ba << false;
    QTest::newRow("empty origin") << exact << ""_ba << false;
    QTest::newRow("origin with path") << exact << "https://app.example.com/"_ba << false;
    QTest::newRow("origin with user info") << exact << "https://x@app.example.com"_ba << false;
    QTest::newRow("origin as pattern") << pattern << "https://*.example.com"_ba << false;
    QTest::newRow("two origins") << exact << "https://app.example.com, https://x.org"_ba << false;
    QTest::newRow("trailing dot") << exact << "https://app.example.com."_ba << false;
    QTest::newRow("bad port") << exact << "https://app.example.com:99999"_ba << false;
    QTest::newRow("no scheme") << exact << "app.example.com"_ba << false;
    QTest::newRow("IPv6") << u"http://[::1]:8080"_s << "http://[::1]:8080"_ba << true;
    QTest::newRow("IPv4") << u"http://127.0.0.1:8080"_s << "http://127.0.0.1:8080"_ba << true;
    QTest::newRow("IDN in xn-- form")
        << u"https://xn--bcher-kva.example"_s << "https://xn--bcher-kva.example"_ba << true;
}

void TestOriginPolicy::allows()
{
    QFETCH(QString, config);
    QFETCH(QByteArray, origin);
    QFETCH(bool, allowed);
    QString error;
    const auto policy = OriginPolicy::parse(config, &error);
    QVERIFY2(policy, qPrintable(error));
    QCOMPARE(policy->allows(origin), allowed);
}

void TestOriginPolicy::emptyAllowsAll()
{
    QString error;
    for (const QString &config : {QString(), u" , "_s}) {
        const auto policy = OriginPolicy::parse(config, &error);
        QVERIFY(policy);
        QVERIFY(policy->isEmpty());
        QVERIFY(policy->allows("https://anything.example"));
        QVERIFY(policy->allows("null"));
    }
}

void TestOriginPolicy::canonicalEntries()
{
    QString error;
    const auto policy = OriginPolicy::parse(
        u" HTTPS://App.Example.com:443 ,http://localhost:3000,https://*.Example.org:8443,"_s,
        &error);
    QVERIFY2(policy, qPrintable(error));
    QCOMPARE(policy->entries(),
             QStringList({u"https://app.example.com"_s, u"http://localhost:3000"_s,
                          u"https://*.example.org:8443"_s}));
}

void TestOriginPolicy::refused_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("error");

    QTest::newRow("null") << u"null"_s
                          << u"'null' cannot be allowed: it is the origin of sandboxed frames"_s;
    QTest::newRow("no scheme") << u"app.example.com"_s
                               << u"'app.example.com' is not an origin: expected "
                                  u"scheme://host[:port]"_s;
    QTest::newRow("star alone") << u"*"_s << u"'*' is not an origin"_s;
    QTest::newRow("other scheme") << u"ftp://app.example.com"_s
                                  << u"'ftp://app.example.com' has scheme 'ftp': only http and "
                                     u"https"_s;
    QTest::newRow("ws scheme") << u"wss://app.example.com"_s << u"has scheme 'wss'"_s;
    QTest::newRow("trailing slash") << u"https://app.example.com/"_s
                                    << u"'https://app.example.com/' is not just an origin: no "
                                       u"path (not even '/')"_s;
    QTest::newRow("path") << u"https://app.example.com/app"_s << u"is not just an origin"_s;
    QTest::newRow("query") << u"https://app.example.com?x=1"_s << u"is not just an origin"_s;
    QTest::newRow("user info") << u"https://me@app.example.com"_s << u"is not just an origin"_s;
    QTest::newRow("empty port") << u"https://app.example.com:"_s << u"has port ''"_s;
    QTest::newRow("port zero") << u"https://app.example.com:0"_s
                               << u"has port '0': a port is a number from 1 to 65535"_s;
    QTest::newRow("port too large") << u"https://app.example.com:65536"_s << u"has port '65536'"_s;
    QTest::newRow("port with sign") << u"https://app.example.com:+80"_s << u"has port '+80'"_s;
    QTest::newRow("wildcard port") << u"https://app.example.com:*"_s << u"has port '*'"_s;
    QTest::newRow("pattern on a TLD")
        << u"https://*.com"_s << u"'https://*.com' matches every host under 'com'"_s;
    QTest::newRow("star inside") << u"https://app.*.example.com"_s
                                 << u"has a '*' that is not the whole leftmost label"_s;
    QTest::newRow("star glued") << u"https://*example.com"_s
                                << u"has a '*' that is not the whole leftmost label"_s;
    QTest::newRow("double star") << u"https://*.*.example.com"_s
                                 << u"has a '*' that is not the whole leftmost label"_s;
    QTest::newRow("no host") << u"https://"_s << u"has host '', which is not a host name"_s;
    QTest::newRow("underscore") << u"https://my_app.example.com"_s
                                << u"has host 'my_app.example.com'"_s;
    QTest::newRow("unicode host") << u"https://bücher.example"_s << u"xn-- for IDNs"_s;
    QTest::newRow("empty label") << u"https://app..example.com"_s
                                 << u"has host 'app..example.com'"_s;
    QTest::newRow("bad IPv6") << u"http://[::g]:80"_s << u"has host '[::g]'"_s;
    QTest::newRow("pattern over IPv6") << u"http://*.[::1]"_s << u"has host '[::1]'"_s;
    QTest::newRow("second entry bad") << u"https://ok.example.com, https://bad.example.com/x"_s
                                      << u"'https://bad.example.com/x' is not just an origin"_s;
}

void TestOriginPolicy::refused()
{
    QFETCH(QString, config);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!OriginPolicy::parse(config, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestOriginPolicy)
#include "tst_originpolicy.moc"
