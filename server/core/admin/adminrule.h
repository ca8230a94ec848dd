#pragma once

#include <QHttpServerRouterRule>

namespace Herald {

// Matches /admin only when the request carries the admin token (Authorization:
// Bearer, or ?token=), compared in constant time. A request that does not
// match falls to the missing handler, which answers 401 before any
// WebSocket handshake.
class AdminRule : public QHttpServerRouterRule
{
public:
    AdminRule(const QString &pathPattern, QByteArray token, RouterHandler handler);

    static bool isUpgrade(const QHttpServerRequest &request);

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override;

private:
    QByteArray m_token;
};

} // namespace Herald
