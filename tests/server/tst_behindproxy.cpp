#include "rawclient.h"
#include "serverfixture.h"
#include "servertestmain.h"

#include <QJsonArray>
#include <QMutex>
#include <QScopeGuard>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

const QByteArray V2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

QByteArray bigEndian16(int value)
{
    QByteArray bytes(2, '\0');
    qToBigEndian(quint16(value), bytes.data());
    return bytes;
}

// PROXY v2, command PROXY (or LOCAL with an empty \a source), TCP over IPv4 or IPv6, one TLV.
QByteArray v2Header(const QString &source = {}, quint16 port = 0)
{
    if (source.isEmpty())
        return V2Signature + "\x20\x00"_ba + bigEndian16(0);
    const QHostAddress from(source);
    QByteArray block;
    if (from.protocol() == QAbstractSocket::IPv4Protocol) {
        block.resize(8);
        qToBigEndian(from.toIPv4Address(), block.data());
        qToBigEndian(QHostAddress(QHostAddress::LocalHost).toIPv4Address(), block.data() + 4);
    } else {
        const Q_IPV6ADDR bytes = from.toIPv6Address();
        block
            = QByteArray(reinterpret_cast<const char *>(bytes.c), 16) + QByteArray(15, '\0') + '\1';
    }
    block += bigEndian16(port) + bigEndian16(8080) + "\x05"_ba + bigEndian16(3) + "id7";
    const char family = from.protocol() == QAbstractSocket::IPv4Protocol ? '\x11' : '\x21';
    return V2Signature + '\x21' + family + bigEndian16(int(block.size())) + block;
}

QByteArray v1Header(const char *protocol, const char *source, int port = 40001)
{
    return "PROXY "_ba + protocol + ' ' + source + ' '
        + (QByteArray(protocol) == "TCP6" ? "::1" : "127.0.0.1") + ' ' + QByteArray::number(port)
        + " 8080\r\n";
}

// The WebSocket side's log lines, from every thread.
QMutex logMutex;
QStringList wsLog;
QtMessageHandler previousHandler = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "herald.server.ws") != 0) {
        if (previousHandler)
            previousHandler(type, context, message);
        return;
    }
    QMutexLocker lock(&logMutex);
    wsLog.append(message);
}

bool logHas(const QString &first, const QString &second)
{
    QMutexLocker lock(&logMutex);
    return std::any_of(wsLog.cbegin(), wsLog.cend(), [&](const QString &line) {
        return line.contains(first) && line.contains(second);
    });
}

ServerConfig proxyConfig(const QString &trusted, bool proxyProtocol)
{
    ServerConfig config = ServerFixture::defaultConfig();
    QString error;
    config.trustedProxies = *TrustedProxies::parse(trusted, &error);
    config.proxyProtocol = proxyProtocol;
    return config;
}

} // namespace

// trusted_proxies and proxy_protocol on the public listener, over real sockets from
// 127.0.0.1 (README "Behind a proxy or load balancer"): which address a session gets,
// what a trusted peer must send, and what max_handshakes_per_address counts.
class TestBehindProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_server.reset(); }
    void proxyHeaderNamesTheClient_data();
    void proxyHeaderNamesTheClient();
    void headerInPieces();
    void trustedPeerWithoutHeaderIsClosed_data();
    void trustedPeerWithoutHeaderIsClosed();
    void perAddressLimitCountsTheClient();
    void untrustedPeerIsPlainHttp();
    void forwardedFromTrustedPeer_data();
    void forwardedFromTrustedPeer();
    void trustedPeerIsNotLimitedPerAddress();
    void forwardedAfterProxyHeader_data();
    void forwardedAfterProxyHeader();
    void logLinesNameTheClient();

private:
    bool start(const ServerConfig &config);
    // Opens a session for \a user with \a prefix before the upgrade request; true on 101.
    bool upgrade(RawClient &client, const QString &user, const QByteArray &prefix,
                 const QByteArray &headers = {});
    // The remote_address of \a user's one session, as /api/v1 shows it.
    QString addressOf(const QString &user);

    std::unique_ptr<ServerFixture> m_server;
};

bool TestBehindProxy::start(const ServerConfig &config)
{
    m_server = std::make_unique<ServerFixture>(config);
    return m_server->start();
}

bool TestBehindProxy::upgrade(RawClient &client, const QString &user, const QByteArray &prefix,
                              const QByteArray &headers)
{
    if (!client.connectTo(m_server->server().wsPort()))
        return false;
    client.write(prefix);
    client.sendUpgrade("/ws?token=" + m_server->tokenFor(user), headers);
    const QByteArray head = client.readHead();
    if (RawClient::statusOf(head) != 101)
        qWarning().noquote() << "upgrade answered:" << head;
    return RawClient::statusOf(head) == 101;
}

QString TestBehindProxy::addressOf(const QString &user)
{
    const auto reply = m_server->api().get(u"/api/v1/users/%1/sessions"_s.arg(user));
    const QJsonArray sessions = reply.json().value(u"sessions"_s).toArray();
    return sessions.size() == 1 ? sessions[0][u"remote_address"_s].toString() : QString();
}

void TestBehindProxy::proxyHeaderNamesTheClient_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("address");

    QTest::newRow("v1 TCP4") << v1Header("TCP4", "203.0.113.7") << u"203.0.113.7"_s;
    QTest::newRow("v1 TCP6") << v1Header("TCP6", "2001:db8::7") << u"2001:db8::7"_s;
    QTest::newRow("v1 TCP6, IPv4-mapped")
        << v1Header("TCP6", "::ffff:203.0.113.9") << u"203.0.113.9"_s;
    QTest::newRow("v1 UNKNOWN keeps the peer") << "PROXY UNKNOWN\r\n"_ba << u"127.0.0.1"_s;
    QTest::newRow("v2 IPv4") << v2Header(u"203.0.113.8"_s, 50000) << u"203.0.113.8"_s;
    QTest::newRow("v2 IPv6") << v2Header(u"2001:db8::8"_s, 443) << u"2001:db8::8"_s;
    QTest::newRow("v2 LOCAL keeps the peer") << v2Header() << u"127.0.0.1"_s;
}

void TestBehindProxy::proxyHeaderNamesTheClient()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, address);
    QVERIFY(start(proxyConfig(u"127.0.0.1"_s, true)));
    RawClient client;
    QVERIFY(upgrade(client, u"u1"_s, header));
    QTRY_COMPARE(addressOf(u"u1"_s), address);
    QCOMPARE(m_server->server().stats().proxyHeaderErrors.load(), 0u);
}

// The header and the request may arrive in any pieces.
void TestBehindProxy::headerInPieces()
{
    QVERIFY(start(proxyConfig(u"127.0.0.1"_s, true)));
    RawClient client;
    QVERIFY(client.connectTo(m_server->server().wsPort()));
    const QByteArray header = v2Header(u"198.51.100.4"_s, 1234);
    for (const QByteArray &piece : {header.left(5), header.mid(5, 10), header.mid(15)}) {
        client.write(piece);
        QVERIFY(client.socket().waitForBytesWritten(5000) || client.socket().bytesToWrite() == 0);
    }
    client.sendUpgrade("/ws?token=" + m_server->tokenFor(u"pieces"_s));
    QCOMPARE(RawClient::statusOf(client.readHead()), 101);
    QTRY_COMPARE(addressOf(u"pieces"_s), u"198.51.100.4"_s);
}

void TestBehindProxy::trustedPeerWithoutHeaderIsClosed_data()
{
    QTest::addColumn<QByteArray>("prefix");

    QTest::newRow("none: plain HTTP") << QByteArray();
    QTest::newRow("v1 malformed") << "PROXY TCP4 203.0.113.7 nowhere 1 2\r\n"_ba;
    QTest::newRow("v1 too long") << "PROXY UNKNOWN " + QByteArray(200, 'x') + "\r\n";
    QTest::newRow("v2 version 1") << V2Signature + "\x11\x11"_ba + bigEndian16(0);
}

// No HTTP answer is possible before the header is known: the connection is closed.
void TestBehindProxy::trustedPeerWithoutHeaderIsClosed()
{
    QFETCH(QByteArray, prefix);
    QVERIFY(start(proxyConfig(u"127.0.0.1"_s, true)));
    RawClient client;
    QVERIFY(client.connectTo(m_server->server().wsPort()));
    client.write(prefix);
    client.sendUpgrade("/ws?token=" + m_server->tokenFor(u"u1"_s));
    QCOMPARE(client.readUntilClosed(), QByteArray());
    QCOMPARE(m_server->server().stats().proxyHeaderErrors.load(), 1u);
    const QByteArray metrics = m_server->api().get(u"/metrics"_s).body;
    QVERIFY2(metrics.contains("herald_proxy_header_errors_total{header=\"proxy_protocol\"} 1\n"),
             metrics.constData());
}

// max_handshakes_per_address 2: connections from the proxy count under the addresses
// their headers name, so a third from one client is closed at once while one from
// another client is served; the proxy's own address is never the limit.
void TestBehindProxy::perAddressLimitCountsTheClient()
{
    ServerConfig config = proxyConfig(u"127.0.0.1"_s, true);
    config.maxHandshakesPerAddress = 2;
    config.handshakeTimeoutMs = 60000;
    QVERIFY(start(config));
    std::vector<std::unique_ptr<RawClient>> same;
    for (int i = 0; i < 3; ++i) {
        same.push_back(std::make_unique<RawClient>());
        QVERIFY(same.back()->connectTo(m_server->server().wsPort()));
        same.back()->write(v1Header("TCP4", "198.51.100.1", 40000 + i)); // and no request yet
    }
    const auto &stats = m_server->server().stats();
    QTRY_COMPARE(stats.handshakeLimitCloses.load(), 1u);
    const auto closed = [&same] {
        return std::count_if(same.cbegin(), same.cend(), [](const auto &client) {
            return client->socket().state() == QAbstractSocket::UnconnectedState;
        });
    };
    QTRY_COMPARE(closed(), 1);

    RawClient other;
    QVERIFY(upgrade(other, u"other"_s, v1Header("TCP4", "198.51.100.2")));
    QTRY_COMPARE(addressOf(u"other"_s), u"198.51.100.2"_s);
    // The two held are served when their request comes.
    int served = 0;
    for (const auto &client : same) {
        if (client->socket().state() != QAbstractSocket::ConnectedState)
            continue;
        const QString user = u"held%1"_s.arg(++served);
        client->sendUpgrade("/ws?token=" + m_server->tokenFor(user));
        QCOMPARE(RawClient::statusOf(client->readHead()), 101);
        QTRY_COMPARE(addressOf(user), u"198.51.100.1"_s);
    }
    QCOMPARE(served, 2);
    QCOMPARE(stats.handshakeLimitCloses.load(), 1u);
    QCOMPARE(stats.proxyHeaderErrors.load(), 0u);
}

// A peer outside trusted_proxies: a PROXY header is just a malformed request, and the
// forwarding headers are ignored.
void TestBehindProxy::untrustedPeerIsPlainHttp()
{
    QVERIFY(start(proxyConfig(u"10.0.0.0/8, ::1"_s, true)));
    RawClient proxied;
    QVERIFY(proxied.connectTo(m_server->server().wsPort()));
    proxied.write(v1Header("TCP4", "203.0.113.7"));
    proxied.sendUpgrade("/ws?token=" + m_server->tokenFor(u"u1"_s));
    const QByteArray answer = proxied.readUntilClosed();
    QCOMPARE(RawClient::statusOf(answer), 400);
    QCOMPARE(RawClient::bodyOf(answer)[u"error"_s][u"code"_s].toString(), u"bad_request"_s);

    RawClient forwarded;
    QVERIFY(upgrade(forwarded, u"u2"_s, {},
                    "X-Forwarded-For: 203.0.113.7\r\nForwarded: for=203.0.113.8\r\n"));
    QTRY_COMPARE(addressOf(u"u2"_s), u"127.0.0.1"_s);
    QCOMPARE(m_server->server().stats().proxyHeaderErrors.load(), 0u);
    QCOMPARE(m_server->server().stats().forwardedHeaderErrors.load(), 0u);
}

void TestBehindProxy::forwardedFromTrustedPeer_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("errors");

    QTest::newRow("xff") << "X-Forwarded-For: 203.0.113.7\r\n"_ba << u"203.0.113.7"_s << 0;
    QTest::newRow("xff past trusted proxies")
        << "X-Forwarded-For: 198.51.100.1, 203.0.113.7, 127.0.0.1\r\n"_ba << u"203.0.113.7"_s << 0;
    QTest::newRow("xff in two lines")
        << "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 127.0.0.1\r\n"_ba << u"203.0.113.7"_s
        << 0;
    QTest::newRow("forwarded") << "Forwarded: for=\"[2001:db8::9]:4711\";proto=https\r\n"_ba
                               << u"2001:db8::9"_s << 0;
    QTest::newRow("forwarded beats xff")
        << "X-Forwarded-For: 198.51.100.1\r\nForwarded: for=203.0.113.5\r\n"_ba << u"203.0.113.5"_s
        << 0;
    QTest::newRow("none") << QByteArray() << u"127.0.0.1"_s << 0;
    QTest::newRow("malformed: peer kept, counted")
        << "X-Forwarded-For: not-an-address\r\n"_ba << u"127.0.0.1"_s << 1;
}

// Without proxy_protocol, a trusted peer's Forwarded / X-Forwarded-For name the client.
void TestBehindProxy::forwardedFromTrustedPeer()
{
    QFETCH(QByteArray, headers);
    QFETCH(QString, address);
    QFETCH(int, errors);
    QVERIFY(start(proxyConfig(u"127.0.0.0/8"_s, false)));
    RawClient client;
    QVERIFY(upgrade(client, u"u1"_s, {}, headers));
    QTRY_COMPARE(addressOf(u"u1"_s), address);
    QCOMPARE(int(m_server->server().stats().forwardedHeaderErrors.load()), errors);
}

// Without proxy_protocol the client is known only with the whole head, after the
// per-address count: a trusted proxy's connections are not counted under its address.
void TestBehindProxy::trustedPeerIsNotLimitedPerAddress()
{
    ServerConfig config = proxyConfig(u"127.0.0.1"_s, false);
    config.maxHandshakesPerAddress = 1;
    config.handshakeTimeoutMs = 60000;
    QVERIFY(start(config));
    RawClient first;
    RawClient second;
    QVERIFY(first.connectTo(m_server->server().wsPort()));
    QVERIFY(second.connectTo(m_server->server().wsPort()));
    first.write("GET");
    second.write("GET");
    for (RawClient *client : {&first, &second})
        client->write(" /healthz HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(RawClient::statusOf(first.readHead()), 200);
    QCOMPARE(RawClient::statusOf(second.readHead()), 200);
    QCOMPARE(m_server->server().stats().handshakeLimitCloses.load(), 0u);
}

void TestBehindProxy::forwardedAfterProxyHeader_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("address");

    // The client itself wrote the header: a layer-4 balancer passes it on untouched.
    QTest::newRow("client named: its header ignored")
        << v1Header("TCP4", "203.0.113.7") << u"203.0.113.7"_s;
    QTest::newRow("trusted proxy named: header read")
        << v1Header("TCP4", "127.0.0.1") << u"198.51.100.66"_s;
    QTest::newRow("LOCAL: header read") << v2Header() << u"198.51.100.66"_s;
}

// After a PROXY header, the address it gives decides whether Forwarded is believed.
void TestBehindProxy::forwardedAfterProxyHeader()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, address);
    QVERIFY(start(proxyConfig(u"127.0.0.1"_s, true)));
    RawClient client;
    QVERIFY(upgrade(client, u"u1"_s, header, "X-Forwarded-For: 198.51.100.66\r\n"));
    QTRY_COMPARE(addressOf(u"u1"_s), address);
}

// The acceptor's refusals and the worker's session lines name the client; a bad
// header, the proxy that sent it.
void TestBehindProxy::logLinesNameTheClient()
{
    QVERIFY(start(proxyConfig(u"127.0.0.1"_s, true)));
    previousHandler = qInstallMessageHandler(capture);
    const auto restore = qScopeGuard([] { qInstallMessageHandler(previousHandler); });
    RawClient session;
    QVERIFY(upgrade(session, u"logged"_s, v1Header("TCP4", "203.0.113.21")));
    RawClient refused;
    QVERIFY(refused.connectTo(m_server->server().wsPort()));
    refused.write(v1Header("TCP4", "203.0.113.22"));
    refused.sendUpgrade("/nowhere");
    QCOMPARE(RawClient::statusOf(refused.readUntilClosed()), 404);
    RawClient bad;
    QVERIFY(bad.connectTo(m_server->server().wsPort()));
    bad.write("PROXY TCP9\r\n");
    QVERIFY(bad.waitForDisconnected());

    QTRY_VERIFY(logHas(u"connect session"_s, u"from 203.0.113.21 "_s));
    QTRY_VERIFY(logHas(u"refused 404"_s, u"from 203.0.113.22"_s));
    QTRY_VERIFY(logHas(u"bad PROXY header"_s, u"from proxy 127.0.0.1"_s));
}

HERALD_SERVER_TEST_MAIN(TestBehindProxy)
#include "tst_behindproxy.moc"
