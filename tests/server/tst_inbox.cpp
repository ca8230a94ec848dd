#include "rawclient.h"
#include "serverfixture.h"
#include "servertestmain.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QNetworkReply>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// The durable inbox through the real listeners: seqs, resume, unread sync,
// idempotency, retention and history, on the SQLite store.
class TestInbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void notificationsCarryGapFreeSeqs();
    void resumeReplaysWhatWasMissed();
    void replayAndLivePushesInterleaveWithoutGapOrDuplicate();
    void resumeFailsForAnotherEpoch();
    void resumeFailsWhenRetentionDroppedTheGap();
    void readingInOneTabClearsTheOthers();
    void readThroughTheApi();
    void storeErrorOnReadIsAnswered();
    void idempotentRetryStoresOnce();
    void badClientFramesGetErrors_data();
    void badClientFramesGetErrors();
    void floodingClientIsClosed();
    void historyIsNewestFirstAndPaged();
    void liveOnlyPushesAreNotStored();
    void storedBroadcastReachesKnownUsers();
    void unreadAndCursorsSurviveRestart();
    void pipelinedPushesAreAnsweredInOrder();
    void clientLeavingBeforeTheAnswerIsHarmless();

private:
    std::unique_ptr<WsClient> connect(const QUrl &url);
    QUrl resumeUrl(const QString &user, qint64 since, const QString &epoch) const;
    qint64 notify(const QString &user, const QJsonValue &data = {});
    void restart(const ServerConfig &config);

    std::unique_ptr<ServerFixture> m_fixture;
};

void TestInbox::init()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.clientFramesPerSecond = 50;
    restart(config);
}

void TestInbox::cleanup()
{
    m_fixture.reset();
}

void TestInbox::restart(const ServerConfig &config)
{
    m_fixture.reset();
    m_fixture = std::make_unique<ServerFixture>(config);
    QVERIFY2(m_fixture->start(), qPrintable(m_fixture->server().errorString()));
}

std::unique_ptr<WsClient> TestInbox::connect(const QUrl &url)
{
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(url))
        return nullptr;
    return client;
}

QUrl TestInbox::resumeUrl(const QString &user, qint64 since, const QString &epoch) const
{
    QUrl url = m_fixture->wsUrl(user);
    QUrlQuery query(url);
    query.addQueryItem(u"since"_s, QString::number(since));
    query.addQueryItem(u"epoch"_s, epoch);
    url.setQuery(query);
    return url;
}

qint64 TestInbox::notify(const QString &user, const QJsonValue &data)
{
    const auto reply = m_fixture->api().post(u"/api/v1/notify"_s,
                                             {{u"users"_s, QJsonArray{user}}, {u"data"_s, data}});
    if (reply.status != 202)
        return -1;
    return qint64(reply.json().value(u"seq"_s).toObject().value(user).toDouble());
}

void TestInbox::notificationsCarryGapFreeSeqs()
{
    auto client = connect(m_fixture->wsUrl(u"ann"_s));
    QVERIFY(client);
    const ServerFrame welcome = client->welcome();
    QCOMPARE(welcome.position.seq, 0);
    QCOMPARE(welcome.position.unread, 0);
    QVERIFY(!welcome.position.epoch.isEmpty());

    const auto reply = m_fixture->api().post(u"/api/v1/notify"_s,
                                             {{u"users"_s, QJsonArray{u"ann"_s, u"ben"_s}}});
    QCOMPARE(reply.status, 202);
    const QJsonObject seqs = reply.json().value(u"seq"_s).toObject();
    QCOMPARE(seqs.value(u"ann"_s).toInt(), 1);
    QCOMPARE(seqs.value(u"ben"_s).toInt(), 1);
    QCOMPARE(notify(u"ann"_s), 2);
    QCOMPARE(notify(u"ann"_s), 3);
    QTRY_COMPARE(client->seqs(), QList<qint64>({1, 2, 3}));

    auto again = connect(m_fixture->wsUrl(u"ann"_s));
    QVERIFY(again);
    QCOMPARE(again->welcome().position.seq, 3);
    QCOMPARE(again->welcome().position.unread, 3);
}

void TestInbox::resumeReplaysWhatWasMissed()
{
    auto client = connect(m_fixture->wsUrl(u"cat"_s));
    QVERIFY(client);
    const QString epoch = client->welcome().position.epoch;
    QCOMPARE(notify(u"cat"_s, u"first"_s), 1);
    QTRY_COMPARE(client->seqs().size(), 1);
    client.reset(); // the laptop lid closes

    QCOMPARE(notify(u"cat"_s, u"second"_s), 2);
    QCOMPARE(notify(u"cat"_s, u"third"_s), 3);
    auto resumed = connect(resumeUrl(u"cat"_s, 1, epoch));
    QVERIFY(resumed);
    QTRY_COMPARE(resumed->framesOfType(ServerFrame::Type::Resumed).size(), 1);
    QCOMPARE(resumed->seqs(), QList<qint64>({2, 3}));
    const QList<ServerFrame> frames = resumed->frames();
    QCOMPARE(frames.at(0).type, ServerFrame::Type::Welcome);
    QCOMPARE(frames.at(1).notification.data.toString(), u"second"_s);
    QCOMPARE(frames.at(3).type, ServerFrame::Type::Resumed);
    QCOMPARE(frames.at(3).ok, true);
    QCOMPARE(frames.at(3).seq, 3);
    QCOMPARE(notify(u"cat"_s), 4);
    QTRY_COMPARE(resumed->seqs(), QList<qint64>({2, 3, 4}));
}

void TestInbox::replayAndLivePushesInterleaveWithoutGapOrDuplicate()
{
    for (int i = 0; i < 20; ++i)
        QCOMPARE(notify(u"dan"_s), i + 1);
    const QString epoch = connect(m_fixture->wsUrl(u"x"_s))->welcome().position.epoch;

    // Pushes in flight while the client reconnects and replays.
    QNetworkAccessManager network;
    QNetworkRequest request(m_fixture->apiUrl().resolved(QUrl(u"/api/v1/notify"_s)));
    request.setRawHeader("Authorization", m_fixture->api().authorization());
    request.setRawHeader("Content-Type", "application/json");
    int answered = 0;
    for (int i = 0; i < 60; ++i) {
        QNetworkReply *reply = network.post(request, R"({"users":["dan"]})"_ba);
        QObject::connect(reply, &QNetworkReply::finished, reply, [&answered, reply] {
            answered += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 202;
            reply->deleteLater();
        });
    }
    WsClient client;
    client.open(resumeUrl(u"dan"_s, 5, epoch));
    QTRY_COMPARE(answered, 60);
    QList<qint64> expected;
    for (qint64 seq = 6; seq <= 80; ++seq)
        expected.append(seq);
    QTRY_COMPARE(client.seqs(), expected);
    QCOMPARE(client.framesOfType(ServerFrame::Type::Resumed).size(), 1);
    QVERIFY(client.framesOfType(ServerFrame::Type::Resumed).first().ok);
}

void TestInbox::resumeFailsForAnotherEpoch()
{
    QCOMPARE(notify(u"eve"_s), 1);
    auto client = connect(resumeUrl(u"eve"_s, 0, u"an-old-epoch"_s));
    QVERIFY(client);
    QTRY_COMPARE(client->framesOfType(ServerFrame::Type::Resumed).size(), 1);
    const ServerFrame resumed = client->framesOfType(ServerFrame::Type::Resumed).first();
    QCOMPARE(resumed.ok, false);
    QCOMPARE(resumed.seq, 1);
    QCOMPARE(resumed.epoch, client->welcome().position.epoch);
    QVERIFY(client->seqs().isEmpty());
}

void TestInbox::resumeFailsWhenRetentionDroppedTheGap()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.historySize = 5;
    config.trimIntervalMs = 50;
    restart(config);
    for (int i = 1; i <= 10; ++i)
        QCOMPARE(notify(u"fay"_s), i);
    QTRY_COMPARE(m_fixture->api()
                     .get(u"/api/v1/users/fay/notifications"_s)
                     .json()
                     .value(u"notifications"_s)
                     .toArray()
                     .size(),
                 5);
    const QString epoch
        = m_fixture->api().get(u"/api/v1/users/fay/unread"_s).json().value(u"epoch"_s).toString();

    auto gap = connect(resumeUrl(u"fay"_s, 2, epoch)); // 3..5 are gone
    QVERIFY(gap);
    QTRY_COMPARE(gap->framesOfType(ServerFrame::Type::Resumed).size(), 1);
    QCOMPARE(gap->framesOfType(ServerFrame::Type::Resumed).first().ok, false);
    QVERIFY(gap->seqs().isEmpty());

    auto covered = connect(resumeUrl(u"fay"_s, 5, epoch)); // 6..10 are kept
    QVERIFY(covered);
    QTRY_COMPARE(covered->framesOfType(ServerFrame::Type::Resumed).size(), 1);
    QCOMPARE(covered->framesOfType(ServerFrame::Type::Resumed).first().ok, true);
    QCOMPARE(covered->seqs(), QList<qint64>({6, 7, 8, 9, 10}));
    // Trimming keeps the stream's position.
    QCOMPARE(covered->welcome().position.seq, 10);
    QCOMPARE(covered->welcome().position.unread, 5);
}

void TestInbox::readingInOneTabClearsTheOthers()
{
    std::vector<std::unique_ptr<WsClient>> tabs;
    for (int i = 0; i < 3; ++i) {
        tabs.push_back(connect(m_fixture->wsUrl(u"gil"_s)));
        QVERIFY(tabs.back());
    }
    for (int i = 1; i <= 4; ++i)
        QCOMPARE(notify(u"gil"_s), i);
    for (auto &tab : tabs)
        QTRY_COMPARE(tab->seqs().size(), 4);

    tabs[0]->send(ClientFrame::read(3));
    for (auto &tab : tabs) {
        QTRY_COMPARE(tab->framesOfType(ServerFrame::Type::Unread).size(), 1);
        const ServerFrame unread = tab->framesOfType(ServerFrame::Type::Unread).first();
        QCOMPARE(unread.count, 1);
        QCOMPARE(unread.readUpTo, 3);
    }
    // Backwards is ignored and tells no one; past the end is clamped.
    tabs[2]->send(ClientFrame::read(1));
    tabs[1]->send(ClientFrame::read(99));
    for (auto &tab : tabs) {
        QTRY_COMPARE(tab->framesOfType(ServerFrame::Type::Unread).size(), 2);
        QCOMPARE(tab->framesOfType(ServerFrame::Type::Unread).last().count, 0);
        QCOMPARE(tab->framesOfType(ServerFrame::Type::Unread).last().readUpTo, 4);
    }
}

// A read the store cannot commit is answered with an error frame to the tab
// that sent it, and tells the other tabs nothing. The failure is SQLite's own:
// a trigger, added through a second connection to the server's file, aborts
// the cursor update.
void TestInbox::storeErrorOnReadIsAnswered()
{
    auto asking = connect(m_fixture->wsUrl(u"hal"_s));
    auto other = connect(m_fixture->wsUrl(u"hal"_s));
    QVERIFY(asking && other);
    QCOMPARE(notify(u"hal"_s), 1);
    QCOMPARE(notify(u"hal"_s), 2);
    QTRY_COMPARE(other->seqs().size(), 2);

    const QString connection = u"tst_inbox_trigger"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(m_fixture->dataDir() + u"/herald.sqlite3"_s);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        QVERIFY2(query.exec(u"CREATE TRIGGER refuse_reads BEFORE UPDATE ON users "
                            "BEGIN SELECT RAISE(ABORT, 'reads refused'); END"_s),
                 qPrintable(query.lastError().text()));
    }
    asking->send(ClientFrame::read(1));
    QTRY_COMPARE(asking->framesOfType(ServerFrame::Type::Error).size(), 1);
    QCOMPARE(asking->framesOfType(ServerFrame::Type::Error).first().code, u"store_unavailable"_s);
    QVERIFY(asking->framesOfType(ServerFrame::Type::Unread).isEmpty());
    QVERIFY(other->framesOfType(ServerFrame::Type::Unread).isEmpty());

    {
        QSqlDatabase db = QSqlDatabase::database(connection);
        QSqlQuery query(db);
        QVERIFY(query.exec(u"DROP TRIGGER refuse_reads"_s));
    }
    QSqlDatabase::removeDatabase(connection);
    asking->send(ClientFrame::read(1));
    QTRY_COMPARE(other->framesOfType(ServerFrame::Type::Unread).size(), 1);
    QCOMPARE(other->framesOfType(ServerFrame::Type::Unread).first().count, 1);
}

void TestInbox::readThroughTheApi()
{
    auto tab = connect(m_fixture->wsUrl(u"hal"_s));
    QVERIFY(tab);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(notify(u"hal"_s), i);
    const auto read = m_fixture->api().post(u"/api/v1/users/hal/read"_s, {{u"up_to"_s, 2}});
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json().value(u"unread"_s).toInt(), 1);
    QCOMPARE(read.json().value(u"read_up_to"_s).toInt(), 2);
    QTRY_COMPARE(tab->framesOfType(ServerFrame::Type::Unread).size(), 1);
    QCOMPARE(tab->framesOfType(ServerFrame::Type::Unread).first().count, 1);
    const auto unread = m_fixture->api().get(u"/api/v1/users/hal/unread"_s);
    QCOMPARE(unread.status, 200);
    QCOMPARE(unread.json().value(u"unread"_s).toInt(), 1);
    QCOMPARE(unread.json().value(u"seq"_s).toInt(), 3);
    const auto bad = m_fixture->api().post(u"/api/v1/users/hal/read"_s, {{u"up_to"_s, -1}});
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.errorCode(), u"invalid_field"_s);
}

void TestInbox::idempotentRetryStoresOnce()
{
    auto tab = connect(m_fixture->wsUrl(u"ida"_s));
    QVERIFY(tab);
    const QJsonObject body{{u"users"_s, QJsonArray{u"ida"_s}}, {u"data"_s, u"once"_s}};
    const auto first
        = m_fixture->api().send("POST", u"/api/v1/notify"_s, QJsonDocument(body).toJson(),
                                {{"Authorization", m_fixture->api().authorization()},
                                 {"Content-Type", "application/json"},
                                 {"Idempotency-Key", "task-42"}});
    QCOMPARE(first.status, 202);
    QJsonObject withField = body;
    withField.insert(u"idempotency_key"_s, u"task-42"_s);
    const auto retry = m_fixture->api().post(u"/api/v1/notify"_s, withField);
    QCOMPARE(retry.status, 202);
    QCOMPARE(retry.json(), first.json());
    QCOMPARE(notify(u"ida"_s), 2); // the retry took no seq
    QTRY_COMPARE(tab->seqs(), QList<qint64>({1, 2}));
    QCOMPARE(m_fixture->api()
                 .get(u"/api/v1/users/ida/notifications"_s)
                 .json()
                 .value(u"notifications"_s)
                 .toArray()
                 .size(),
             2);
}

void TestInbox::badClientFramesGetErrors_data()
{
    QTest::addColumn<QString>("frame");
    QTest::addColumn<QString>("code");
    QTest::newRow("not json") << u"hello"_s << u"invalid_json"_s;
    QTest::newRow("array") << u"[1]"_s << u"invalid_json"_s;
    QTest::newRow("no type") << u"{}"_s << u"unknown_type"_s;
    QTest::newRow("unknown type") << u"{\"type\":\"subscribe\"}"_s << u"unknown_type"_s;
    QTest::newRow("read without up_to") << u"{\"type\":\"read\"}"_s << u"invalid_field"_s;
    QTest::newRow("read negative") << u"{\"type\":\"read\",\"up_to\":-3}"_s << u"invalid_field"_s;
    QTest::newRow("read fraction") << u"{\"type\":\"read\",\"up_to\":1.5}"_s << u"invalid_field"_s;
    QTest::newRow("read string") << u"{\"type\":\"read\",\"up_to\":\"2\"}"_s << u"invalid_field"_s;
}

void TestInbox::badClientFramesGetErrors()
{
    QFETCH(QString, frame);
    QFETCH(QString, code);
    auto tab = connect(m_fixture->wsUrl(u"ivy"_s));
    QVERIFY(tab);
    QCOMPARE(notify(u"ivy"_s), 1);
    QTRY_COMPARE(tab->seqs().size(), 1);
    tab->socket().sendTextMessage(frame);
    QTRY_COMPARE(tab->framesOfType(ServerFrame::Type::Error).size(), 1);
    QCOMPARE(tab->framesOfType(ServerFrame::Type::Error).first().code, code);
    // Nothing else changed: still connected, still unread, still in order.
    tab->send(ClientFrame::ping());
    QTRY_COMPARE(tab->framesOfType(ServerFrame::Type::Pong).size(), 1);
    QVERIFY(tab->isConnected());
    QCOMPARE(m_fixture->api().get(u"/api/v1/users/ivy/unread"_s).json().value(u"unread"_s).toInt(),
             1);
    QVERIFY(tab->framesOfType(ServerFrame::Type::Unread).isEmpty());
}

void TestInbox::floodingClientIsClosed()
{
    auto flooder = connect(m_fixture->wsUrl(u"joe"_s));
    auto calm = connect(m_fixture->wsUrl(u"joe"_s));
    QVERIFY(flooder && calm);
    for (int i = 0; i < 500; ++i)
        flooder->send(ClientFrame::ping());
    QTRY_VERIFY(flooder->isClosed());
    QCOMPARE(flooder->closeCode(), 1008);
    QVERIFY(calm->isConnected());
}

void TestInbox::historyIsNewestFirstAndPaged()
{
    for (int i = 1; i <= 7; ++i)
        QCOMPARE(notify(u"kim"_s, i * 10), i);
    const auto first = m_fixture->api().get(u"/api/v1/users/kim/notifications?limit=3"_s).json();
    const QJsonArray page = first.value(u"notifications"_s).toArray();
    QCOMPARE(page.size(), 3);
    QCOMPARE(page.at(0).toObject().value(u"seq"_s).toInt(), 7);
    QCOMPARE(page.at(0).toObject().value(u"data"_s).toInt(), 70);
    QCOMPARE(page.at(2).toObject().value(u"seq"_s).toInt(), 5);
    QCOMPARE(first.value(u"next_before"_s).toInt(), 5);
    const auto second
        = m_fixture->api().get(u"/api/v1/users/kim/notifications?limit=3&before=5"_s).json();
    QCOMPARE(second.value(u"notifications"_s).toArray().at(0).toObject().value(u"seq"_s).toInt(),
             4);
    const auto since = m_fixture->api().get(u"/api/v1/users/kim/notifications?since=5"_s).json();
    QCOMPARE(since.value(u"notifications"_s).toArray().size(), 2);
    QVERIFY(since.value(u"next_before"_s).isNull());
    QCOMPARE(m_fixture->api().get(u"/api/v1/users/kim/notifications?limit=0"_s).status, 400);
    QCOMPARE(m_fixture->api().get(u"/api/v1/users/kim/notifications?before=x"_s).status, 400);
}

void TestInbox::liveOnlyPushesAreNotStored()
{
    auto tab = connect(m_fixture->wsUrl(u"lea"_s));
    QVERIFY(tab);
    const auto reply = m_fixture->api().post(
        u"/api/v1/notify"_s,
        {{u"users"_s, QJsonArray{u"lea"_s}}, {u"event"_s, u"typing"_s}, {u"store"_s, false}});
    QCOMPARE(reply.status, 202);
    QTRY_COMPARE(tab->framesOfType(ServerFrame::Type::Notification).size(), 1);
    QCOMPARE(tab->framesOfType(ServerFrame::Type::Notification).first().seq,
             0); // none in the frame
    QCOMPARE(m_fixture->api().get(u"/api/v1/users/lea/unread"_s).json().value(u"seq"_s).toInt(), 0);
}

void TestInbox::storedBroadcastReachesKnownUsers()
{
    QCOMPARE(notify(u"offline"_s), 1); // known, not connected
    auto online = connect(m_fixture->wsUrl(u"online"_s)); // connected, not yet known
    QVERIFY(online);
    const auto reply = m_fixture->api().post(u"/api/v1/broadcast"_s,
                                             {{u"event"_s, u"maintenance"_s}, {u"store"_s, true}});
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json().value(u"users"_s).toInt(), 2);
    QTRY_COMPARE(online->seqs(), QList<qint64>({1}));
    QCOMPARE(m_fixture->api().get(u"/api/v1/users/offline/unread"_s).json().value(u"seq"_s).toInt(),
             2);
}

void TestInbox::unreadAndCursorsSurviveRestart()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.dataDir = m_fixture->dataDir() + u"/restart"_s; // absolute: kept across restarts
    restart(config);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(notify(u"max"_s), i);
    QCOMPARE(m_fixture->api().post(u"/api/v1/users/max/read"_s, {{u"up_to"_s, 1}}).status, 200);
    const auto before = m_fixture->api().get(u"/api/v1/users/max/unread"_s).json();

    restart(config);
    const auto after = m_fixture->api().get(u"/api/v1/users/max/unread"_s).json();
    QCOMPARE(after, before);
    QCOMPARE(after.value(u"unread"_s).toInt(), 2);
    QCOMPARE(notify(u"max"_s), 4);
}

void TestInbox::pipelinedPushesAreAnsweredInOrder()
{
    // Pushes (answered once the store commits) and health checks (answered at
    // once) in one write: the answers must come back in request order.
    const QByteArray body = R"({"users":["pip"]})";
    const QByteArray push = "POST /api/v1/notify HTTP/1.1\r\nHost: x\r\nAuthorization: "
        + m_fixture->api().authorization()
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n\r\n" + body;
    const QByteArray health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    RawClient raw;
    QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
    raw.write(push + health + health + health + push);
    QByteArray buffer;
    QVERIFY(QTest::qWaitFor(
        [&] {
            buffer += raw.socket().readAll();
            return buffer.count("HTTP/1.1 ") == 5 && buffer.endsWith('}');
        },
        15000));
    QList<QByteArray> statuses;
    for (qsizetype at = buffer.indexOf("HTTP/1.1 "); at >= 0;
         at = buffer.indexOf("HTTP/1.1 ", at + 1)) {
        statuses.append(buffer.mid(at + 9, 3));
    }
    QVERIFY2(statuses == QList<QByteArray>({"202", "200", "200", "200", "202"}),
             buffer.constData());
    QVERIFY(buffer.indexOf(R"("seq":{"pip":1})") < buffer.indexOf(R"("seq":{"pip":2})"));
}

void TestInbox::clientLeavingBeforeTheAnswerIsHarmless()
{
    for (int i = 0; i < 20; ++i) {
        RawClient raw;
        QVERIFY(raw.connectTo(m_fixture->server().apiPort()));
        const QByteArray body = R"({"users":["gone"]})";
        raw.write("POST /api/v1/notify HTTP/1.1\r\nHost: x\r\nAuthorization: "
                  + m_fixture->api().authorization()
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        raw.socket().abort(); // before the store has answered
    }
    // The pushes were accepted and stored all the same; the server is fine.
    QTRY_COMPARE(
        m_fixture->api().get(u"/api/v1/users/gone/unread"_s).json().value(u"seq"_s).toInt(), 20);
    QCOMPARE(notify(u"gone"_s), 21);
}

HERALD_SERVER_TEST_MAIN(TestInbox)
#include "tst_inbox.moc"
