#include "hostileclient.h"
#include "rawclient.h"
#include "serverprocess.h"
#include "tokensigner.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <algorithm>
#include <csignal>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald::Test;

// The paced drain of the real binary (README, "Stopping and restarting"): on
// SIGTERM it refuses new connections, lets the store commit what it was given,
// closes the sessions with 1012 "service restart" spread over drain_s and
// exits 0; a second SIGTERM closes the rest at once.
class TestDrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closesSpreadOverDrainTime();
    void keepsEveryAcceptedPush();
    void secondSignalClosesTheRest();
    void zeroDrainClosesAtOnce();
    void refusesNewConnectionsWhileDraining();
    void closeGraceBoundsEachClose();
};

namespace {

QByteArray tokenFor(const QString &user)
{
    return Herald::TokenSigner(ServerProcess::Secret)
        .sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
}

// A browser session spoken on the wire. QWebSocket (Qt 6.4) takes close codes
// 1012-2999 for protocol errors and reports 1002, so this reads the server's
// frames itself: the text frames, and the close frame with the time it came
// (on \a clock), which it answers as a browser does.
class WireSession : public QObject
{
public:
    WireSession(quint16 port, const QString &user, const QElapsedTimer &clock) : m_clock(clock)
    {
        const QByteArray head = "GET /ws?token=" + tokenFor(user)
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        connect(&m_socket, &QTcpSocket::connected, this, [this, head] { m_socket.write(head); });
        connect(&m_socket, &QTcpSocket::readyRead, this, &WireSession::onReadyRead);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool isWelcomed() const { return !m_texts.isEmpty(); } // the welcome comes first
    bool isClosed() const { return m_closedAt >= 0; }
    qint64 closedAt() const { return m_closedAt; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    QSet<QString> notificationIds() const
    {
        QSet<QString> ids;
        for (const QJsonObject &text : m_texts) {
            if (text.value(u"type"_s) == u"notification"_s)
                ids.insert(text.value(u"id"_s).toString());
        }
        return ids;
    }

private:
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        if (!m_upgraded) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0 || !m_buffer.startsWith("HTTP/1.1 101"))
                return;
            m_upgraded = true;
            m_buffer.remove(0, end + 4);
        }
        while (const auto frame = takeFrame())
            onFrame(frame->first, frame->second);
    }

    // Server frames are unmasked and, here, never fragmented.
    std::optional<std::pair<quint8, QByteArray>> takeFrame()
    {
        if (m_buffer.size() < 2)
            return std::nullopt;
        qsizetype length = quint8(m_buffer[1]) & 0x7f;
        const qsizetype header = length == 127 ? 10 : length == 126 ? 4 : 2;
        if (m_buffer.size() < header)
            return std::nullopt;
        if (length == 126)
            length = qFromBigEndian<quint16>(m_buffer.constData() + 2);
        else if (length == 127)
            length = qsizetype(qFromBigEndian<quint64>(m_buffer.constData() + 2));
        if (m_buffer.size() < header + length)
            return std::nullopt;
        std::pair<quint8, QByteArray> frame{quint8(m_buffer[0]) & 0x0f,
                                            m_buffer.mid(header, length)};
        m_buffer.remove(0, header + length);
        return frame;
    }

    void onFrame(quint8 opcode, const QByteArray &payload)
    {
        if (opcode == 0x1) {
            m_texts.append(QJsonDocument::fromJson(payload).object());
        } else if (opcode == 0x9) {
            m_socket.write(HostileClient::frame(0xA, payload));
        } else if (opcode == 0x8 && payload.size() >= 2) {
            m_closedAt = m_clock.elapsed();
            m_closeCode = qFromBigEndian<quint16>(payload.constData());
            m_closeReason = QString::fromUtf8(payload.mid(2));
            m_socket.write(HostileClient::frame(0x8, payload.left(2)));
            m_socket.disconnectFromHost();
        }
    }

    const QElapsedTimer &m_clock;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_upgraded = false;
    QList<QJsonObject> m_texts;
    qint64 m_closedAt = -1;
    int m_closeCode = 0;
    QString m_closeReason;
};

// Browser sessions of one server, each with the time its close frame came.
class Sessions
{
public:
    Sessions() { m_clock.start(); }

    void open(quint16 wsPort, const QStringList &users)
    {
        for (const QString &user : users)
            m_sessions.push_back(std::make_unique<WireSession>(wsPort, user, m_clock));
    }

    qint64 now() const { return m_clock.elapsed(); }
    int welcomed() const
    {
        return int(std::count_if(m_sessions.cbegin(), m_sessions.cend(),
                                 [](const auto &session) { return session->isWelcomed(); }));
    }
    int closed() const
    {
        return int(std::count_if(m_sessions.cbegin(), m_sessions.cend(),
                                 [](const auto &session) { return session->isClosed(); }));
    }
    const WireSession &client(qsizetype index) const { return *m_sessions[size_t(index)]; }
    qsizetype size() const { return qsizetype(m_sessions.size()); }
    // When each close frame came, in ms after \a since, earliest first.
    QList<qint64> closeTimes(qint64 since) const
    {
        QList<qint64> times;
        for (const auto &session : m_sessions)
            times.append(session->closedAt() - since);
        std::sort(times.begin(), times.end());
        return times;
    }

private:
    QElapsedTimer m_clock;
    std::vector<std::unique_ptr<WireSession>> m_sessions;
};

QStringList users(const QString &prefix, int count)
{
    QStringList names;
    for (int i = 0; i < count; ++i)
        names.append(prefix + QString::number(i));
    return names;
}

// Two workers, so that both share the sessions; enough handshakes from one address
// for all the test's sessions at once.
bool start(ServerProcess &server, const QTemporaryDir &data, const QString &drainSeconds)
{
    return server.start({u"--data-dir"_s, data.path(), u"--drain-s"_s, drainSeconds, u"--workers"_s,
                         u"2"_s, u"--max-handshakes-per-address"_s, u"1000"_s},
                        ServerProcess::environmentWithSecrets());
}

void sendSignal(ServerProcess &server, int signal)
{
    ::kill(pid_t(server.process().processId()), signal);
}

bool exitedWithZero(ServerProcess &server)
{
    return server.process().state() == QProcess::NotRunning
        && server.process().exitStatus() == QProcess::NormalExit
        && server.process().exitCode() == 0;
}

// The largest number of \a times (ms) in one 100 ms bucket.
int busiestBucket(const QList<qint64> &times)
{
    QHash<qint64, int> buckets;
    for (qint64 time : times)
        ++buckets[time / 100];
    int busiest = 0;
    for (int count : std::as_const(buckets))
        busiest = std::max(busiest, count);
    return busiest;
}

QNetworkReply *postPush(QNetworkAccessManager &network, quint16 apiPort, const QStringList &to,
                        int index)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/notify"_s.arg(apiPort)));
    request.setRawHeader("Authorization", "Bearer " + QByteArray(ServerProcess::ApiKey));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    const QJsonObject body{{u"users"_s, QJsonArray::fromStringList(to)},
                           {u"data"_s, QJsonObject{{u"i"_s, index}}}};
    return network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

int finishedCount(const std::vector<QNetworkReply *> &replies)
{
    return int(std::count_if(replies.cbegin(), replies.cend(),
                             [](const QNetworkReply *reply) { return reply->isFinished(); }));
}

QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &body = {})
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + ServerProcess::ApiKey + "\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

void TestDrain::closesSpreadOverDrainTime()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(start(server, data, u"2"_s));
    Sessions sessions;
    sessions.open(server.wsPort(), users(u"spread-"_s, 200));
    QTRY_COMPARE_WITH_TIMEOUT(sessions.welcomed(), 200, 60000);

    const qint64 signalled = sessions.now();
    sendSignal(server, SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(sessions.closed(), 200, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(exitedWithZero(server), 30000);
    for (qsizetype i = 0; i < sessions.size(); ++i) {
        QCOMPARE(sessions.client(i).closeCode(), 1012);
        QCOMPARE(sessions.client(i).closeReason(), u"service restart"_s);
    }
    // Evenly over 2 s would be about 10 closes in each 100 ms from 0 to 2000 ms;
    // all at once, 200 in one. The bounds leave room for a slow, busy machine.
    const QList<qint64> times = sessions.closeTimes(signalled);
    const int busiest = busiestBucket(times);
    qInfo("200 closes from %lld to %lld ms after SIGTERM (median %lld), at most %d in one 100 ms",
          times.first(), times.last(), times.at(100), busiest);
    QVERIFY2(times.last() - times.first() >= 1000, "closes not spread over the drain");
    QVERIFY2(busiest <= 100, "half the sessions closed within 100 ms");
    const QByteArray log = server.log();
    QVERIFY2(log.contains("draining: 200 sessions to close with 1012 over 2 s"), log.constData());
    QVERIFY2(log.contains("drain over after"), log.constData());
    QVERIFY2(!log.contains("deadline"), log.constData());
}

// Every push answered 202, even in the last moment before the signal, reaches the
// sessions before their 1012 and is in the store after a restart.
void TestDrain::keepsEveryAcceptedPush()
{
    QTemporaryDir data;
    const QStringList names = users(u"kept-"_s, 10);
    std::vector<QNetworkReply *> replies;
    QNetworkAccessManager network;
    Sessions sessions;
    {
        ServerProcess server;
        QVERIFY(start(server, data, u"2"_s));
        sessions.open(server.wsPort(), names);
        QTRY_COMPARE_WITH_TIMEOUT(sessions.welcomed(), 10, 30000);
        for (int i = 0; i < 40; ++i)
            replies.push_back(postPush(network, server.apiPort(), names, i));
        QTRY_VERIFY_WITH_TIMEOUT(finishedCount(replies) > 0, 30000);
        sendSignal(server, SIGTERM);
        QTRY_COMPARE_WITH_TIMEOUT(finishedCount(replies), 40, 30000);
        const bool allClosed = QTest::qWaitFor([&] { return sessions.closed() == 10; }, 30000);
        if (!allClosed) {
            // QTest cuts a long message: the whole log, a line at a time.
            const QList<QByteArray> lines = server.log().split('\n');
            for (const QByteArray &line : lines)
                qInfo("server: %s", line.constData());
        }
        QVERIFY2(allClosed,
                 qPrintable(u"%1 of 10 sessions got a close frame"_s.arg(sessions.closed())));
        QTRY_VERIFY_WITH_TIMEOUT(exitedWithZero(server), 30000);
    }
    QSet<QString> accepted;
    int refused = 0;
    for (QNetworkReply *reply : replies) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 202) {
            accepted.insert(body.value(u"id"_s).toString());
        } else if (status != 0) { // 0: the connection was refused or closed
            QCOMPARE(status, 503);
            QCOMPARE(body.value(u"error"_s).toObject().value(u"code"_s).toString(),
                     u"shutting_down"_s);
            ++refused;
        }
    }
    qInfo("40 pushes: %lld answered 202, %d 503 shutting_down, the rest no answer",
          qint64(accepted.size()), refused);
    QVERIFY(!accepted.isEmpty());
    for (qsizetype i = 0; i < sessions.size(); ++i) {
        QCOMPARE(sessions.client(i).closeCode(), 1012);
        QVERIFY2(sessions.client(i).notificationIds().contains(accepted), qPrintable(names.at(i)));
    }

    ServerProcess restarted;
    QVERIFY(start(restarted, data, u"0"_s));
    RawClient api;
    QVERIFY(api.connectTo(restarted.apiPort()));
    for (const QString &user : names) {
        api.write(request("GET", "/api/v1/users/" + user.toUtf8() + "/notifications?limit=100"));
        const QByteArray response = api.readResponse();
        QCOMPARE(RawClient::statusOf(response), 200);
        const QJsonArray stored = RawClient::bodyOf(response).value(u"notifications"_s).toArray();
        QSet<QString> ids;
        for (const QJsonValue &notification : stored)
            ids.insert(notification.toObject().value(u"id"_s).toString());
        QVERIFY2(ids.contains(accepted), qPrintable(user));
    }
    QVERIFY(restarted.terminate());
}

void TestDrain::secondSignalClosesTheRest()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(start(server, data, u"30"_s));
    Sessions sessions;
    sessions.open(server.wsPort(), users(u"hurry-"_s, 40));
    QTRY_COMPARE_WITH_TIMEOUT(sessions.welcomed(), 40, 30000);

    sendSignal(server, SIGTERM);
    // About one close every 0.75 s: wait for the drain to have begun.
    QTRY_VERIFY_WITH_TIMEOUT(sessions.closed() >= 1, 30000);
    const int stillOpen = int(sessions.size()) - sessions.closed();
    QVERIFY2(stillOpen >= 20, "the 30 s drain went too fast");
    const qint64 second = sessions.now();
    sendSignal(server, SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(sessions.closed(), 40, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(exitedWithZero(server), 15000);
    const QList<qint64> times = sessions.closeTimes(second);
    qInfo("%d sessions open at the second SIGTERM; the last closed %lld ms after it", stillOpen,
          times.last());
    QVERIFY(times.last() < 10000);
    for (qsizetype i = 0; i < sessions.size(); ++i)
        QCOMPARE(sessions.client(i).closeCode(), 1012);
    QVERIFY(server.log().contains("second stop signal"));
}

void TestDrain::zeroDrainClosesAtOnce()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(start(server, data, u"0"_s));
    Sessions sessions;
    sessions.open(server.wsPort(), users(u"once-"_s, 50));
    QTRY_COMPARE_WITH_TIMEOUT(sessions.welcomed(), 50, 30000);

    const qint64 signalled = sessions.now();
    sendSignal(server, SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(sessions.closed(), 50, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(exitedWithZero(server), 15000);
    for (qsizetype i = 0; i < sessions.size(); ++i)
        QCOMPARE(sessions.client(i).closeCode(), 1012);
    const QList<qint64> times = sessions.closeTimes(signalled);
    qInfo("50 closes from %lld to %lld ms after SIGTERM", times.first(), times.last());
    QVERIFY(times.last() - times.first() < 1000);
}

// New WebSocket and API connections are refused (the listeners are closed); a
// push on an API connection opened before the signal gets 503 shutting_down,
// and its other requests are answered as before.
void TestDrain::refusesNewConnectionsWhileDraining()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(start(server, data, u"30"_s));
    Sessions sessions;
    sessions.open(server.wsPort(), users(u"refuse-"_s, 20));
    QTRY_COMPARE_WITH_TIMEOUT(sessions.welcomed(), 20, 30000);
    // Accepted before the drain, its first request still unfinished: the
    // listener closes under it, and it is answered all the same.
    RawClient halfway;
    QVERIFY(halfway.connectTo(server.apiPort()));
    halfway.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    RawClient kept;
    QVERIFY(kept.connectTo(server.apiPort()));
    kept.write(request("GET", "/healthz"));
    QCOMPARE(RawClient::statusOf(kept.readResponse()), 200);

    sendSignal(server, SIGTERM);
    QVERIFY(QTest::qWaitFor([&server] { return server.log().contains("draining:"); }, 30000));
    halfway.write("\r\n");
    const QByteArray late = halfway.readResponse();
    QCOMPARE(RawClient::statusOf(late), 503);
    QCOMPARE(RawClient::bodyOf(late).value(u"stopping"_s).toBool(), true);
    kept.write(request("POST", "/api/v1/notify", R"({"users":["refuse-1"]})"));
    const QByteArray pushed = kept.readResponse();
    QCOMPARE(RawClient::statusOf(pushed), 503);
    QCOMPARE(RawClient::bodyOf(pushed).value(u"error"_s).toObject().value(u"code"_s).toString(),
             u"shutting_down"_s);
    kept.write(request("GET", "/healthz"));
    const QByteArray health = kept.readResponse();
    QCOMPARE(RawClient::statusOf(health), 503);
    QCOMPARE(RawClient::bodyOf(health).value(u"stopping"_s).toBool(), true);

    QTcpSocket api;
    QSignalSpy apiErrors(&api, &QAbstractSocket::errorOccurred);
    api.connectToHost(QHostAddress::LocalHost, server.apiPort());
    QTRY_COMPARE_WITH_TIMEOUT(apiErrors.size(), 1, 15000);
    QCOMPARE(api.error(), QAbstractSocket::ConnectionRefusedError);
    QWebSocket browser;
    QSignalSpy wsErrors(&browser, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    browser.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(server.wsPort())));
    QTRY_COMPARE_WITH_TIMEOUT(wsErrors.size(), 1, 15000);
    QCOMPARE(browser.error(), QAbstractSocket::ConnectionRefusedError);

    // Closes of the drain are ordinary closes: no error counter moves.
    QTRY_VERIFY_WITH_TIMEOUT(sessions.closed() >= 1, 30000);
    QVERIFY(sessions.closed() < 20); // still draining all along
    kept.write(request("GET", "/api/v1/stats"));
    const QJsonObject stats = RawClient::bodyOf(kept.readResponse());
    QVERIFY(stats.value(u"sessions_closed"_s).toInt() >= 1);
    for (const QString &counter : {u"slow_consumer_closes"_s, u"heartbeat_reaps"_s,
                                   u"rate_limit_closes"_s, u"protocol_error_closes"_s}) {
        QVERIFY2(stats.contains(counter), qPrintable(counter));
        QCOMPARE(stats.value(counter).toInt(), 0);
    }
    QVERIFY(server.terminate()); // the second SIGTERM
}

// A peer that reads nothing, so never answers the close, is reset after the
// close grace (3 s): the drain waits for it that long, and no longer, well
// before its overall deadline (drain_s + 6 s).
void TestDrain::closeGraceBoundsEachClose()
{
    QTemporaryDir data;
    ServerProcess server;
    QVERIFY(start(server, data, u"0"_s));
    HostileClient mute;
    QVERIFY(mute.connectTo(server.wsPort()));
    QVERIFY(mute.upgrade("/ws?token=" + tokenFor(u"mute"_s)));
    mute.stopReading();
    Sessions sessions;
    sessions.open(server.wsPort(), {u"polite"_s});
    QTRY_COMPARE_WITH_TIMEOUT(sessions.welcomed(), 1, 30000);

    QElapsedTimer clock;
    clock.start();
    sendSignal(server, SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(sessions.closed(), 1, 15000);
    QCOMPARE(sessions.client(0).closeCode(), 1012);
    QTRY_VERIFY_WITH_TIMEOUT(exitedWithZero(server), 15000);
    const qint64 held = clock.elapsed();
    qInfo("the mute peer held the exit for %lld ms", held);
    QVERIFY2(held >= 2500, "the drain did not wait for the close grace");
    const QByteArray log = server.log();
    QVERIFY2(!log.contains("deadline passed"), log.constData());
    QVERIFY2(log.contains("drain over after"), log.constData());
    QCOMPARE(mute.waitForClose().value_or(0), 1012); // still readable after the reset
    QCOMPARE(mute.closeReason(), u"service restart"_s);
}

QTEST_GUILESS_MAIN(TestDrain)
#include "tst_drain.moc"
