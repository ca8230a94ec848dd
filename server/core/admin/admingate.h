#pragma once

#include "apierror.h"

#include <QByteArray>
#include <QStringList>

#include <optional>

namespace Herald {

// Decides whether a request to /admin may open the admin channel, from the
// raw header values (the head is read before any HTTP or WebSocket code sees
// it). Checks, in this order:
//  - Origin: browsers always send one, herald-monitor sends none. A request
//    with an Origin outside the allowed list gets 403 (cross-site WebSocket
//    hijacking from a page open in an operator's browser).
//  - Authorization: Bearer <admin token>, compared in constant time; 401.
// The token is never taken from the query string, so it is never logged.
class AdminGate
{
public:
    AdminGate(QByteArray token, QStringList allowedOrigins);

    // nullopt when the request may be upgraded; otherwise the refusal.
    std::optional<ApiError> check(const QByteArray &origin, const QByteArray &authorization) const;

private:
    QByteArray m_token;
    QStringList m_allowedOrigins;
};

} // namespace Herald
