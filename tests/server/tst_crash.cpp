#include "serverprocess.h"
#include "tokensigner.h"
#include "wsclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <map>
#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

constexpr int Users = 50;
constexpr int Pushes = 2000;
constexpr int InFlight = 16;
constexpr int KillAfterAcknowledged = Pushes / 2;

QString userName(int i)
{
    return u"user-%1"_s.arg(i);
}

} // namespace

// kill -9 in the middle of a push stream loses nothing: the backend retries
// what was not acknowledged (with the same Idempotency-Key, as a Celery task
// would), clients resume with since/epoch, and every user ends with exactly
// its pushes, in seq order, with no gap and no duplicate.
class TestCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killNineLosesNothing();

private:
    struct Push
    {
        QString user;
        qint64 acknowledgedSeq = 0; // 0: no 202 yet
    };

    void connectClients(const ServerProcess &server);
    void sendPending(const ServerProcess &server, int stopAfterAcknowledged);
    void verifyUser(int user);

    QNetworkAccessManager m_network;
    std::vector<Push> m_pushes;
    std::vector<std::vector<std::unique_ptr<WsClient>>> m_history; // every connection per user
    QString m_epoch;
};

void TestCrash::connectClients(const ServerProcess &server)
{
    for (int i = 0; i < Users; ++i) {
        const QByteArray token
            = TokenSigner(ServerProcess::Secret)
                  .sign(userName(i), QDateTime::currentDateTimeUtc().addSecs(600));
        QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(server.wsPort()));
        QUrlQuery query{{u"token"_s, QString::fromLatin1(token)}};
        if (!m_history[size_t(i)].empty()) {
            const QList<qint64> seqs = m_history[size_t(i)].back()->seqs();
            query.addQueryItem(u"since"_s, QString::number(seqs.isEmpty() ? 0 : seqs.last()));
            query.addQueryItem(u"epoch"_s, m_epoch);
        }
        url.setQuery(query);
        auto client = std::make_unique<WsClient>();
        QVERIFY(client->connectAndWelcome(url));
        m_epoch = client->welcome().position.epoch;
        m_history[size_t(i)].push_back(std::move(client));
    }
}

// Keeps InFlight pushes going until every push is acknowledged or, with
// stopAfterAcknowledged, until that many are (the caller then kills the server).
void TestCrash::sendPending(const ServerProcess &server, int stopAfterAcknowledged)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/notify"_s.arg(server.apiPort())));
    request.setRawHeader("Authorization", "Bearer "_ba + ServerProcess::ApiKey);
    request.setRawHeader("Content-Type", "application/json");
    int next = 0, running = 0, acknowledged = 0;
    for (const Push &push : m_pushes)
        acknowledged += push.acknowledgedSeq > 0;
    std::function<void()> launch = [&] {
        while (running < InFlight && next < Pushes && acknowledged < stopAfterAcknowledged) {
            const int index = next++;
            if (m_pushes[size_t(index)].acknowledgedSeq > 0)
                continue;
            QNetworkRequest keyed = request;
            keyed.setRawHeader("Idempotency-Key", "push-" + QByteArray::number(index));
            const QJsonObject body{{u"users"_s, QJsonArray{m_pushes[size_t(index)].user}},
                                   {u"data"_s, QJsonObject{{u"n"_s, index}}}};
            QNetworkReply *reply = m_network.post(keyed, QJsonDocument(body).toJson());
            ++running;
            connect(reply, &QNetworkReply::finished, this, [&, reply, index] {
                --running;
                const int status
                    = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                if (status == 202) {
                    const QJsonObject seqs = QJsonDocument::fromJson(reply->readAll())
                                                 .object()
                                                 .value(u"seq"_s)
                                                 .toObject();
                    m_pushes[size_t(index)].acknowledgedSeq
                        = qint64(seqs.value(m_pushes[size_t(index)].user).toDouble());
                    ++acknowledged;
                }
                reply->deleteLater();
                launch();
            });
        }
    };
    launch();
    QVERIFY(QTest::qWaitFor([&] { return running == 0; }, 120000));
}

void TestCrash::verifyUser(int user)
{
    // Everything this user's connections received, in order.
    QList<ServerFrame> received;
    for (const auto &client : m_history[size_t(user)])
        received += client->framesOfType(ServerFrame::Type::Notification);
    std::map<qint64, int> expected; // seq -> push index, from the 202 answers
    for (size_t i = 0; i < m_pushes.size(); ++i) {
        if (m_pushes[i].user == userName(user))
            expected[m_pushes[i].acknowledgedSeq] = int(i);
    }
    QCOMPARE(qsizetype(received.size()), qsizetype(expected.size()));
    qint64 seq = 0;
    for (const ServerFrame &frame : received) {
        QCOMPARE(frame.seq, ++seq); // in order, no gap, no duplicate
        QCOMPARE(frame.notification.data.toObject().value(u"n"_s).toInt(), expected.at(seq));
    }
}

void TestCrash::killNineLosesNothing()
{
    for (int i = 0; i < Pushes; ++i)
        m_pushes.push_back({userName(i % Users), 0});
    m_history.resize(Users);
    QTemporaryDir data;
    const QStringList arguments{u"--data-dir"_s, data.path(), u"--workers"_s, u"2"_s};

    auto server = std::make_unique<ServerProcess>();
    QVERIFY(server->start(arguments, ServerProcess::environmentWithSecrets()));
    connectClients(*server);
    sendPending(*server, KillAfterAcknowledged);
    server->kill(); // the pushes still in flight die with it
    const auto acknowledged
        = std::count_if(m_pushes.cbegin(), m_pushes.cend(),
                        [](const Push &push) { return push.acknowledgedSeq > 0; });
    qInfo() << "killed with" << acknowledged << "of" << Pushes << "pushes acknowledged";
    QVERIFY(acknowledged >= KillAfterAcknowledged && acknowledged < Pushes);
    for (const auto &connections : m_history)
        QTRY_VERIFY(connections.back()->isClosed());

    server = std::make_unique<ServerProcess>();
    QVERIFY(server->start(arguments, ServerProcess::environmentWithSecrets()));
    connectClients(*server); // with since/epoch
    for (const auto &connections : m_history) {
        QTRY_COMPARE(connections.back()->framesOfType(ServerFrame::Type::Resumed).size(), 1);
        QVERIFY(connections.back()->framesOfType(ServerFrame::Type::Resumed).first().ok);
    }
    sendPending(*server, Pushes); // the retries and the rest of the stream
    for (const Push &push : m_pushes)
        QVERIFY(push.acknowledgedSeq > 0);

    for (int user = 0; user < Users; ++user) {
        const qsizetype pushesForUser = Pushes / Users;
        QTRY_COMPARE(m_history[size_t(user)].back()->seqs().size()
                         + m_history[size_t(user)].front()->seqs().size(),
                     pushesForUser);
        verifyUser(user);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(server->terminate());
}

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
