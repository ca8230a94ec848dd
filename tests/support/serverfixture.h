#pragma once

#include "apiclient.h"
#include "config/serverconfig.h"
#include "heraldserver.h"

#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace Herald::Test {

// A HeraldServer running in the test process on free ports, with known
// secrets, plus the URLs and API client a test needs to talk to it.
class ServerFixture
{
public:
    // Ports 0, 2 workers, 30 s heartbeat, test secrets, SQLite store.
    static ServerConfig defaultConfig();

    // HERALD_EVENT_LOOP of the test's environment, read as herald-server reads it (epoll
    // when unset), so that the whole suite can run under either event dispatcher.
    static ServerConfig::EventLoop eventLoopFromEnvironment();
    // Gives the main thread that dispatcher too; before the QCoreApplication exists.
    static void installMainEventLoop();

    // A relative config.dataDir is replaced by a fresh temporary directory; an
    // absolute one is kept (to restart a server on the same data).
    explicit ServerFixture(const ServerConfig &config = defaultConfig());
    bool start();

    HeraldServer &server() { return m_server; }
    const ServerConfig &config() const { return m_config; }
    ApiClient &api() { return *m_api; }

    QByteArray tokenFor(const QString &user) const;
    QUrl wsUrl(const QString &user) const; // /ws?token=<valid token for user>
    QUrl wsUrlRaw(const QString &pathAndQuery) const;
    QUrl apiUrl() const;

    QString dataDir() const { return m_config.dataDir; }

private:
    QTemporaryDir m_dir;
    ServerConfig m_config;
    HeraldServer m_server;
    std::unique_ptr<ApiClient> m_api;
};

} // namespace Herald::Test
