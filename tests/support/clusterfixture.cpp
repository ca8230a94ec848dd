#include "clusterfixture.h"

#include "tokensigner.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

ClusterFixture::~ClusterFixture()
{
    stop();
}

QString ClusterFixture::nodeName(int node)
{
    return u"node-%1"_s.arg(QChar(u'a' + node));
}

bool ClusterFixture::start(int nodes, QString *error, const QStringList &extraArgs,
                           const QProcessEnvironment &env)
{
    m_redis = std::make_unique<RedisProcess>();
    if (!m_redis->start(error))
        return false;
    for (int i = 0; i < nodes; ++i) {
        auto node = std::make_unique<ServerProcess>();
        if (!node->start(QStringList{u"--broker"_s, m_redis->url(), u"--drain-s"_s, u"0"_s,
                                     u"--node-name"_s, nodeName(i)}
                             + extraArgs,
                         env)) {
            *error = nodeName(i) + u" did not start: "_s + QString::fromUtf8(node->log());
            return false;
        }
        m_apis.push_back(std::make_unique<ApiClient>(
            QUrl(u"http://127.0.0.1:%1/"_s.arg(node->apiPort())), ServerProcess::ApiKey));
        m_nodes.push_back(std::move(node));
    }
    for (int i = 0; i < nodes; ++i) {
        const bool registered = QTest::qWaitFor(
            [&] {
                return api(i).get(u"/api/v1/stats"_s).json().value(u"nodes"_s).toArray().size()
                    == nodes;
            },
            WaitMs);
        if (!registered) {
            *error = nodeName(i) + u" does not list every node"_s;
            return false;
        }
    }
    return true;
}

void ClusterFixture::stop()
{
    m_apis.clear();
    for (auto &node : m_nodes) {
        if (node->process().state() != QProcess::NotRunning) // not one a test killed
            node->terminate();
    }
    m_nodes.clear();
    m_redis.reset();
}

QUrl ClusterFixture::wsUrl(int node, const QString &user) const
{
    const QByteArray token = TokenSigner(ServerProcess::Secret)
                                 .sign(user, QDateTime::currentDateTimeUtc().addSecs(600));
    QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(m_nodes[size_t(node)]->wsPort()));
    url.setQuery(QUrlQuery{{u"token"_s, QString::fromLatin1(token)}});
    return url;
}

std::unique_ptr<WsClient> ClusterFixture::connect(int node, const QString &user) const
{
    auto client = std::make_unique<WsClient>();
    if (!client->connectAndWelcome(wsUrl(node, user), WaitMs))
        return nullptr;
    return client;
}

} // namespace Herald::Test
