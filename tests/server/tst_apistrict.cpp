#include "rawclient.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int AnswerMs = 15000; // generous: a busy machine

// Sends \a bytes a few at a time on a timer, as a slowloris client does.
class Trickle
{
public:
    Trickle(RawClient &client, QByteArray bytes, int chunk, int intervalMs)
        : m_client(client), m_bytes(std::move(bytes)), m_chunk(chunk)
    {
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (m_sent >= m_bytes.size()
                || m_client.socket().state() != QAbstractSocket::ConnectedState)
                return m_timer.stop();
            m_client.write(m_bytes.mid(m_sent, m_chunk));
            m_sent += m_chunk;
        });
        m_timer.start(intervalMs);
    }
    qsizetype sent() const { return std::min(m_sent, m_bytes.size()); }

private:
    RawClient &m_client;
    QByteArray m_bytes;
    qsizetype m_chunk;
    qsizetype m_sent = 0;
    QTimer m_timer;
};

QByteArray notifyRequest(const QByteArray &user, const QByteArray &extraHeaders = {})
{
    const QByteArray body = R"({"users":[")" + user + R"("],"data":{}})";
    return "POST /api/v1/notify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + ServerFixture::defaultConfig().apiKey
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n" + extraHeaders + "\r\n" + body;
}

} // namespace

// The push API reads HTTP strictly, before QHttpServer sees a byte, so that
// no proxy in front of it can disagree on where a request ends, and a client
// that sends slowly cannot hold connections open.
class TestApiStrict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void malformedHeadsAreRefused_data();
    void malformedHeadsAreRefused();
    void laterRequestOnAKeptAliveConnectionIsChecked();
    void expectContinue();
    void hugeDeclaredLengthIsRefusedAtOnce();
    void trickledHeadTimesOut();
    void trickledBodyTimesOut();
    void manySlowClientsDoNotStopPushes();

private:
    quint64 stat(const QString &name);
    std::unique_ptr<ServerFixture> m_fixture;
};

void TestApiStrict::initTestCase()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.apiHeadTimeoutMs = 1000;
    config.apiMinBodyRate = 1024;
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY(m_fixture->start());
}

void TestApiStrict::cleanupTestCase()
{
    m_fixture.reset();
}

quint64 TestApiStrict::stat(const QString &name)
{
    return quint64(m_fixture->api().get(u"/api/v1/stats"_s).json().value(name).toDouble());
}

void TestApiStrict::malformedHeadsAreRefused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray key
        = "Authorization: Bearer " + ServerFixture::defaultConfig().apiKey + "\r\n";
    const QByteArray post = "POST /api/v1/notify HTTP/1.1\r\nHost: x\r\n" + key
        + "Content-Type: application/json\r\n";
    const QByteArray smuggled = notifyRequest("smuggled");
    QTest::newRow("duplicate Content-Length") << post
            + "Content-Length: 2\r\nContent-Length: " + QByteArray::number(2 + smuggled.size())
            + "\r\n\r\n{}" + smuggled << 400 << u"bad_request"_s;
    QTest::newRow("Content-Length list")
        << post + "Content-Length: 2, 2\r\n\r\n{}" << 400 << u"bad_request"_s;
    QTest::newRow("negative Content-Length")
        << post + "Content-Length: -1\r\n\r\n" + smuggled << 400 << u"bad_request"_s;
    QTest::newRow("overflowing Content-Length")
        << post + "Content-Length: 18446744073709551617\r\n\r\n" + smuggled << 400
        << u"bad_request"_s;
    QTest::newRow("Content-Length with a plus")
        << post + "Content-Length: +2\r\n\r\n{}" << 400 << u"bad_request"_s;
    QTest::newRow("Transfer-Encoding with Content-Length")
        << post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
        << 400 << u"bad_request"_s;
    QTest::newRow("chunked body") << post + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
                                  << 411 << u"length_required"_s;
    QTest::newRow("HTTP/9.9") << QByteArray("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n") << 505
                              << u"http_version_not_supported"_s;
    QTest::newRow("HTTP/2.0") << QByteArray("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n") << 505
                              << u"http_version_not_supported"_s;
    QTest::newRow("garbled version")
        << QByteArray("GET /healthz HTTP/1.1x\r\nHost: x\r\n\r\n") << 400 << u"bad_request"_s;
    QTest::newRow("no version") << QByteArray("GET /healthz\r\nHost: x\r\n\r\n") << 400
                                << u"bad_request"_s;
    QTest::newRow("header line without colon")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n") << 400
        << u"bad_request"_s;
    QTest::newRow("space before colon")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n") << 400 << u"bad_request"_s;
    QTest::newRow("obsolete line folding")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n") << 400
        << u"bad_request"_s;
    QTest::newRow("bare LF") << QByteArray("GET /healthz HTTP/1.1\nHost: x\n\n") << 400
                             << u"bad_request"_s;
    QTest::newRow("NUL in a header")
        << "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a" + QByteArray(1, '\0') + "b\r\n\r\n"
        << 400 << u"bad_request"_s;
    QTest::newRow("HTTP/1.1 without Host")
        << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400 << u"bad_request"_s;
    QTest::newRow("two Hosts") << QByteArray("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
                               << 400 << u"bad_request"_s;
    QTest::newRow("unknown Expect")
        << post + "Content-Length: 2\r\nExpect: 200-ok\r\n\r\n{}" << 417 << u"expectation_failed"_s;
    QTest::newRow("head over 16 KiB")
        << "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(17 * 1024, 'a') + "\r\n\r\n"
        << 431 << u"headers_too_large"_s;
}

void TestApiStrict::malformedHeadsAreRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, code);
    const QString counter = status == 413 ? u"api_too_large"_s : u"api_bad_requests"_s;
    const quint64 before = stat(counter);
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    raw.write(request);
    const QByteArray response = raw.readUntilClosed(AnswerMs);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(RawClient::statusOf(response), status);
    QCOMPARE(RawClient::bodyOf(response).value(u"error"_s).toObject().value(u"code"_s).toString(),
             code);
    QVERIFY(!response.contains("\nHTTP/1.1 ")); // one answer: nothing smuggled was answered
    QCOMPARE(stat(counter), before + 1);
    // Nothing smuggled in a body was pushed.
    QCOMPARE(
        m_fixture->api().get(u"/api/v1/users/smuggled/unread"_s).json().value(u"seq"_s).toInt(), 0);
}

void TestApiStrict::laterRequestOnAKeptAliveConnectionIsChecked()
{
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    raw.write(notifyRequest("kept-alive"));
    QCOMPARE(RawClient::statusOf(raw.readResponse(AnswerMs)), 202);
    raw.write(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    const QByteArray response = raw.readUntilClosed(AnswerMs);
    QCOMPARE(RawClient::statusOf(response), 400);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
}

void TestApiStrict::expectContinue()
{
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    const QByteArray request = notifyRequest("expecting", "Expect: 100-continue\r\n");
    const qsizetype headEnd = request.indexOf("\r\n\r\n") + 4;
    raw.write(request.first(headEnd));
    QCOMPARE(RawClient::statusOf(raw.readHead(AnswerMs)), 100);
    raw.write(request.sliced(headEnd));
    QCOMPARE(RawClient::statusOf(raw.readResponse(AnswerMs)), 202);
}

void TestApiStrict::hugeDeclaredLengthIsRefusedAtOnce()
{
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    raw.write("POST /api/v1/notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              "Content-Length: 1000000000000\r\n\r\n");
    const QByteArray response = raw.readUntilClosed(AnswerMs);
    QCOMPARE(RawClient::statusOf(response), 413);
    QCOMPARE(raw.socket().state(), QAbstractSocket::UnconnectedState);
}

void TestApiStrict::trickledHeadTimesOut()
{
    const quint64 before = stat(u"api_timeouts"_s);
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    const QByteArray request
        = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + QByteArray(400, 'a') + "\r\n\r\n";
    Trickle trickle(raw, request, 1, 50); // far slower than the 1 s head timeout allows
    const QByteArray response = raw.readUntilClosed(AnswerMs);
    QCOMPARE(RawClient::statusOf(response), 408);
    QVERIFY(trickle.sent() < request.size());
    QCOMPARE(stat(u"api_timeouts"_s), before + 1);
}

void TestApiStrict::trickledBodyTimesOut()
{
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    // 4,000 bytes at the 1,024 B/s minimum may take 1 s + 3.9 s; 100 B/s takes 40 s.
    const QByteArray head = "POST /api/v1/notify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + ServerFixture::defaultConfig().apiKey
        + "\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n";
    raw.write(head);
    Trickle trickle(raw, QByteArray(4000, ' '), 10, 100);
    const QByteArray response = raw.readUntilClosed(AnswerMs * 2);
    QCOMPARE(RawClient::statusOf(response), 408);
    QVERIFY(trickle.sent() < 4000);
}

// Slow clients cost no more than their sockets: pushes go on meanwhile.
void TestApiStrict::manySlowClientsDoNotStopPushes()
{
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < 200; ++i) {
        auto client = std::make_unique<RawClient>();
        QVERIFY(client->connectTo(m_fixture->server().apiPort()));
        client->write("GET /healthz HTTP/1.1\r\nHo"); // and never more
        slow.push_back(std::move(client));
    }
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_fixture->api()
                     .post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"busy"_s}}})
                     .status,
                 202);
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(slow.begin(), slow.end(), [](const auto &client) {
                client->socket().readAll();
                return client->socket().state() == QAbstractSocket::UnconnectedState;
            });
        },
        AnswerMs * 2));
}

QTEST_GUILESS_MAIN(TestApiStrict)
#include "tst_apistrict.moc"
