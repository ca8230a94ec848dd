#include "config/devbanner.h"

#include "config/serverconfig.h"
#include "tokensigner.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

QString hostFor(const QHostAddress &bind)
{
    if (bind == QHostAddress::Any || bind == QHostAddress::AnyIPv4 || bind.isLoopback())
        return u"127.0.0.1"_s;
    return bind.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(bind.toString())
                                                            : bind.toString();
}

// The operator console's connection, when the admin channel is on.
QString adminLines(const ServerConfig &config, const QString &apiUrl)
{
    if (config.adminToken.isEmpty())
        return {};
    const QString token = config.adminTokenGenerated ? QString::fromLatin1(config.adminToken)
                                                     : u"$HERALD_ADMIN_TOKEN"_s;
    return u"\nOperator console (admin channel %1/admin):\n  HERALD_ADMIN_TOKEN=%2\n"_s.arg(apiUrl,
                                                                                            token);
}

} // namespace

QString DevBanner::text(const ServerConfig &config, quint16 wsPort, quint16 apiPort)
{
    // Secrets that came from the environment or a file are never printed.
    const QString secret = config.secretGenerated ? QString::fromLatin1(config.secret)
                                                  : u"(from your environment or file)"_s;
    const QString apiKey
        = config.apiKeyGenerated ? QString::fromLatin1(config.apiKey) : u"$HERALD_API_KEY"_s;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString token
        = QString::fromLatin1(TokenSigner(config.secret).sign(u"1"_s, now.addSecs(24 * 3600), now));
    const QString wsUrl
        = u"ws://%1:%2/ws?token=%3"_s.arg(hostFor(config.wsBind)).arg(wsPort).arg(token);
    const QString apiUrl = u"http://%1:%2"_s.arg(hostFor(config.apiBind)).arg(apiPort);
    return uR"(
================ herald-server DEVELOPMENT MODE ================
Generated secrets live for this run only; do not use --dev in production.

  HERALD_SECRET=%1
  HERALD_API_KEY=%2

Open a WebSocket as user "1" (token valid 24 h):
  %3

Push a notification to user "1":
  curl -sS -X POST %4/api/v1/notify \
    -H "Authorization: Bearer %2" -H 'Content-Type: application/json' \
    -d '{"users":["1"],"event":"message.created","data":{"text":"hello"}}'
%5=================================================================
)"_s.arg(secret, apiKey, wsUrl, apiUrl, adminLines(config, apiUrl));
}

} // namespace Herald
