#pragma once

#include "apiclient.h"
#include "redisprocess.h"
#include "serverprocess.h"
#include "wsclient.h"

#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <vector>

namespace Herald::Test {

// A cluster for the broker suites: one real Redis on a free port and real herald-server
// nodes on it, named node-a, node-b, … (--node-name), each with --drain-s 0 and an API
// client; stopped by PID when it goes.
class ClusterFixture
{
public:
    static constexpr int WaitMs = 30000; // a busy two-core machine runs several suites at once

    ~ClusterFixture();

    // Starts Redis and \a nodes nodes with \a extraArgs, then waits until every node's
    // /api/v1/stats lists them all (each has registered). False with *error set otherwise.
    bool start(int nodes, QString *error, const QStringList &extraArgs = {},
               const QProcessEnvironment &env = ServerProcess::environmentWithSecrets());
    void stop(); // terminates the nodes still running, then Redis

    static QString nodeName(int node);
    RedisProcess &redis() { return *m_redis; }
    ServerProcess &node(int node) { return *m_nodes[size_t(node)]; }
    ApiClient &api(int node) { return *m_apis[size_t(node)]; }

    // A /ws URL on \a node with a fresh token of \a user.
    QUrl wsUrl(int node, const QString &user) const;
    // A session of \a user on \a node, welcomed; null if it was not.
    std::unique_ptr<WsClient> connect(int node, const QString &user) const;

private:
    std::unique_ptr<RedisProcess> m_redis;
    std::vector<std::unique_ptr<ServerProcess>> m_nodes;
    std::vector<std::unique_ptr<ApiClient>> m_apis;
};

} // namespace Herald::Test
