#include "serverfixture.h"

#include "config/configoptions.h"
#include "eventloopinstaller.h"
#include "tokensigner.h"

#include <QDateTime>
#include <QDir>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

ServerConfig ServerFixture::defaultConfig()
{
    ServerConfig config;
    config.wsPort = 0;
    config.apiPort = 0;
    config.workers = 2;
    // Far above how long a busy test process may take to answer a ping: a suite
    // that tests reaping sets a short heartbeat on a server of its own.
    config.heartbeatMs = 30000;
    config.secret = "test-secret-0123456789abcdef0123456789abcdef";
    config.apiKey = "test-api-key-0123456789abcdef0123456789";
    config.eventLoop = eventLoopFromEnvironment();
    return config;
}

ServerConfig::EventLoop ServerFixture::eventLoopFromEnvironment()
{
    const QString name = qEnvironmentVariable("HERALD_EVENT_LOOP").trimmed();
    if (name.isEmpty())
        return ServerConfig().eventLoop;
    const auto kind = ConfigValueParser::choice(name, ConfigOptions::EventLoops);
    if (!kind)
        qFatal("HERALD_EVENT_LOOP: '%s' is not 'epoll' or 'qt'", qPrintable(name));
    return *kind;
}

void ServerFixture::installMainEventLoop()
{
    EventLoopInstaller::installInMainThread(eventLoopFromEnvironment());
}

ServerFixture::ServerFixture(const ServerConfig &config) : m_config(config)
{
    if (QDir::isRelativePath(m_config.dataDir))
        m_config.dataDir = m_dir.path();
}

bool ServerFixture::start()
{
    if (!m_server.start(m_config))
        return false;
    m_api = std::make_unique<ApiClient>(apiUrl(), m_config.apiKey);
    return true;
}

QByteArray ServerFixture::tokenFor(const QString &user) const
{
    return TokenSigner(m_config.secret).sign(user, QDateTime::currentDateTimeUtc().addSecs(3600));
}

QUrl ServerFixture::wsUrl(const QString &user) const
{
    return wsUrlRaw(u"/ws?token="_s + QString::fromLatin1(tokenFor(user)));
}

QUrl ServerFixture::wsUrlRaw(const QString &pathAndQuery) const
{
    return QUrl(u"%1://127.0.0.1:%2%3"_s.arg(m_config.tls ? u"wss"_s : u"ws"_s)
                    .arg(m_server.wsPort())
                    .arg(pathAndQuery));
}

QUrl ServerFixture::apiUrl() const
{
    return QUrl(u"%1://127.0.0.1:%2/"_s.arg(m_config.apiTls ? u"https"_s : u"http"_s)
                    .arg(m_server.apiPort()));
}

} // namespace Herald::Test
