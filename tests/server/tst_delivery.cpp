#include "serverfixture.h"
#include "servertestmain.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

// Delivery through the real listeners: WebSocket clients and HTTP pushes
// against an in-process server on free ports with two worker threads.
class TestDelivery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everySessionOfAUserGetsTheNotification();
    void notifyTenThousandUsers();
    void broadcastReachesEverySession();
    void presenceListsSessions();
    void sessionsArePaged();
    void disconnectSession();
    void disconnectUser();
    void statsCountWhatHappened();

private:
    WsClient *connectAs(const QString &user);
    static QList<ServerFrame> notifications(const WsClient *client);

    std::unique_ptr<ServerFixture> m_fixture;
    std::vector<std::unique_ptr<WsClient>> m_clients;
};

void TestDelivery::init()
{
    m_fixture = std::make_unique<ServerFixture>();
    QVERIFY2(m_fixture->start(), qPrintable(m_fixture->server().errorString()));
}

void TestDelivery::cleanup()
{
    m_clients.clear();
    m_fixture.reset();
}

WsClient *TestDelivery::connectAs(const QString &user)
{
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(m_fixture->wsUrl(user)))
        return nullptr;
    m_clients.push_back(std::move(client));
    return m_clients.back().get();
}

QList<ServerFrame> TestDelivery::notifications(const WsClient *client)
{
    return client->framesOfType(ServerFrame::Type::Notification);
}

void TestDelivery::everySessionOfAUserGetsTheNotification()
{
    // Several users so that both worker threads hold sessions.
    QList<WsClient *> alice;
    for (int i = 0; i < 3; ++i)
        alice.append(connectAs(u"alice"_s));
    QList<WsClient *> others;
    for (const QString &user : {u"bob"_s, u"carol"_s, u"dave"_s, u"erin"_s, u"frank"_s})
        others.append(connectAs(user));
    QVERIFY(!alice.contains(nullptr) && !others.contains(nullptr));
    QCOMPARE(alice[0]->framesOfType(ServerFrame::Type::Welcome).first().user, u"alice"_s);

    const auto reply = m_fixture->api().post(u"/api/v1/notify"_s,
                                             {{u"users"_s, QJsonArray{u"alice"_s}},
                                              {u"event"_s, u"message.created"_s},
                                              {u"data"_s, QJsonObject{{u"unread"_s, 4}}}});
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json().value(u"users_online"_s).toInt(), 1);
    QCOMPARE(reply.json().value(u"sessions"_s).toInt(), 3);
    const QString id = reply.json().value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());

    for (WsClient *client : alice) {
        QTRY_COMPARE(notifications(client).size(), 1);
        const Notification notification = notifications(client).first().notification;
        QCOMPARE(notification.id, id);
        QCOMPARE(notification.event, u"message.created"_s);
        QCOMPARE(notification.data.toObject().value(u"unread"_s).toInt(), 4);
        QVERIFY(notification.timestamp.isValid()); // the decoder requires RFC 3339
    }
    // A broadcast queued after the notify reaches everyone; by then a stray
    // copy of alice's notification would have arrived too.
    QCOMPARE(m_fixture->api().post(u"/api/v1/broadcast"_s, {{u"event"_s, u"marker"_s}}).status,
             202);
    for (WsClient *client : others) {
        QTRY_COMPARE(notifications(client).size(), 1);
        QCOMPARE(notifications(client).first().notification.event, u"marker"_s);
    }
    for (WsClient *client : alice)
        QTRY_COMPARE(notifications(client).size(), 2);
}

void TestDelivery::notifyTenThousandUsers()
{
    WsClient *first = connectAs(u"user-0"_s);
    WsClient *last = connectAs(u"user-9999"_s);
    WsClient *outside = connectAs(u"user-10000"_s);
    QVERIFY(first && last && outside);
    QJsonArray users;
    for (int i = 0; i < 10000; ++i)
        users.append(u"user-%1"_s.arg(i));
    const auto reply = m_fixture->api().post(u"/api/v1/notify"_s,
                                             {{u"users"_s, users}, {u"event"_s, u"bulk"_s}});
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json().value(u"users_online"_s).toInt(), 2);
    QCOMPARE(reply.json().value(u"sessions"_s).toInt(), 2);
    QTRY_COMPARE(notifications(first).size(), 1);
    QTRY_COMPARE(notifications(last).size(), 1);

    users.append(u"user-10000"_s);
    const auto tooMany = m_fixture->api().post(u"/api/v1/notify"_s, {{u"users"_s, users}});
    QCOMPARE(tooMany.status, 400);
    QCOMPARE(tooMany.errorCode(), u"invalid_field"_s);
    QCOMPARE(m_fixture->api().post(u"/api/v1/broadcast"_s, {{u"event"_s, u"marker"_s}}).status,
             202);
    QTRY_COMPARE(notifications(outside).size(), 1);
    QCOMPARE(notifications(outside).first().notification.event, u"marker"_s);
    QTRY_COMPARE(notifications(first).size(), 2); // the marker; first may be on another worker
    QCOMPARE(notifications(first).last().notification.event, u"marker"_s);
}

void TestDelivery::broadcastReachesEverySession()
{
    QList<WsClient *> clients;
    for (int i = 0; i < 6; ++i)
        clients.append(connectAs(u"u%1"_s.arg(i % 4)));
    QVERIFY(!clients.contains(nullptr));
    const auto reply = m_fixture->api().post(
        u"/api/v1/broadcast"_s, {{u"event"_s, u"deploy"_s}, {u"data"_s, QJsonArray{1, 2}}});
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json().value(u"sessions"_s).toInt(), 6);
    for (WsClient *client : clients) {
        QTRY_COMPARE(notifications(client).size(), 1);
        QCOMPARE(notifications(client).first().notification.data.toArray(), QJsonArray({1, 2}));
    }
}

void TestDelivery::presenceListsSessions()
{
    WsClient *one = connectAs(u"42"_s);
    WsClient *two = connectAs(u"42"_s);
    QVERIFY(one && two);
    const auto reply = m_fixture->api().get(u"/api/v1/users/42/sessions"_s);
    QCOMPARE(reply.status, 200);
    const QJsonArray sessions = reply.json().value(u"sessions"_s).toArray();
    QCOMPARE(sessions.size(), 2);
    QSet<QString> ids;
    for (const QJsonValue &value : sessions) {
        const QJsonObject session = value.toObject();
        ids.insert(session.value(u"id"_s).toString());
        QCOMPARE(session.value(u"user"_s).toString(), u"42"_s);
        QCOMPARE(session.value(u"remote_address"_s).toString(), u"127.0.0.1"_s);
        QVERIFY(session.value(u"connected_at"_s).toString().endsWith(u'Z'));
        QVERIFY(session.contains(u"user_agent"_s));
    }
    QCOMPARE(ids, QSet<QString>({one->sessionId(), two->sessionId()}));
    const auto nobody = m_fixture->api().get(u"/api/v1/users/nobody/sessions"_s);
    QCOMPARE(nobody.status, 200);
    QVERIFY(nobody.json().value(u"sessions"_s).toArray().isEmpty());
}

void TestDelivery::sessionsArePaged()
{
    for (int i = 0; i < 5; ++i)
        QVERIFY(connectAs(u"p%1"_s.arg(i)));
    const auto all = m_fixture->api().get(u"/api/v1/sessions"_s);
    QCOMPARE(all.status, 200);
    QCOMPARE(all.json().value(u"total"_s).toInt(), 5);
    QCOMPARE(all.json().value(u"sessions"_s).toArray().size(), 5);
    const auto page = m_fixture->api().get(u"/api/v1/sessions?limit=2&offset=3"_s);
    QCOMPARE(page.status, 200);
    const QJsonArray sessions = page.json().value(u"sessions"_s).toArray();
    QCOMPARE(sessions.size(), 2);
    QCOMPARE(sessions.at(0), all.json().value(u"sessions"_s).toArray().at(3));
    QCOMPARE(m_fixture->api().get(u"/api/v1/sessions?limit=0"_s).status, 400);
    QCOMPARE(m_fixture->api().get(u"/api/v1/sessions?offset=-1"_s).errorCode(), u"invalid_field"_s);
}

void TestDelivery::disconnectSession()
{
    WsClient *kept = connectAs(u"7"_s);
    WsClient *dropped = connectAs(u"7"_s);
    QVERIFY(kept && dropped);
    const auto reply = m_fixture->api().del(u"/api/v1/sessions/"_s + dropped->sessionId());
    QCOMPARE(reply.status, 200);
    QTRY_VERIFY(dropped->isClosed());
    QCOMPARE(dropped->closeCode(), 4003);
    QCOMPARE(dropped->closeReason(), u"disconnected by server"_s);
    QTRY_COMPARE(m_fixture->server().directory().sessionsOf(u"7"_s).size(), 1);
    QVERIFY(kept->isConnected());
    QCOMPARE(m_fixture->api().del(u"/api/v1/sessions/"_s + dropped->sessionId()).status, 404);
}

void TestDelivery::disconnectUser()
{
    WsClient *one = connectAs(u"logout"_s);
    WsClient *two = connectAs(u"logout"_s);
    WsClient *other = connectAs(u"stays"_s);
    QVERIFY(one && two && other);
    const auto reply = m_fixture->api().del(u"/api/v1/users/logout/sessions"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(u"disconnected"_s).toInt(), 2);
    QTRY_VERIFY(one->isClosed() && two->isClosed());
    QCOMPARE(one->closeCode(), 4003);
    QCOMPARE(two->closeCode(), 4003);
    QTRY_VERIFY(m_fixture->server().directory().sessionsOf(u"logout"_s).isEmpty());
    QVERIFY(other->isConnected());
}

void TestDelivery::statsCountWhatHappened()
{
    WsClient *client = connectAs(u"s"_s);
    QVERIFY(client);
    QCOMPARE(m_fixture->api().post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"s"_s}}}).status,
             202);
    QTRY_COMPARE(notifications(client).size(), 1);
    const auto stats = m_fixture->api().get(u"/api/v1/stats"_s);
    QCOMPARE(stats.status, 200);
    const QJsonObject json = stats.json();
    QCOMPARE(json.value(u"sessions"_s).toInt(), 1);
    QCOMPARE(json.value(u"users"_s).toInt(), 1);
    QCOMPARE(json.value(u"notifications"_s).toInt(), 1);
    QCOMPARE(json.value(u"frames_sent"_s).toInt(), 2); // welcome + notification
    QVERIFY(json.value(u"uptime_s"_s).isDouble());
}

HERALD_SERVER_TEST_MAIN(TestDelivery)
#include "tst_delivery.moc"
