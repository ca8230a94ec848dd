#pragma once

#include "apierror.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>

#include <optional>

namespace Herald {

// The checks every /api/ request passes before its handler looks at it, in a
// fixed order: 401 (bearer key), 400 (asks for an upgrade), 405 (method), 413
// (body size), 415 (content type). Plus the small parsing helpers the handlers share.
class ApiGuard
{
public:
    using Methods = QHttpServerRequest::Methods;

    ApiGuard(QByteArray apiKey, qint64 maxBodyBytes);

    std::optional<ApiError> check(const QHttpServerRequest &request, Methods allowed,
                                  bool jsonBody) const;

    // Set for a request that asks to switch protocols: no route but /admin does.
    static std::optional<ApiError> upgradeRefusal(const QHttpServerRequest &request);

    static QHttpServerResponse errorResponse(const ApiError &error);
    static QHttpServerResponse json(const QByteArray &body, QHttpServerResponse::StatusCode status);
    // A path segment, percent-decoded.
    static QString decoded(const QString &pathSegment);
    // An integer query parameter in [min, max]; \a fallback when absent;
    // nullopt when present but not such a number.
    static std::optional<qint64> queryNumber(const QHttpServerRequest &request, const QString &name,
                                             qint64 fallback, qint64 min, qint64 max);

private:
    bool authorized(const QHttpServerRequest &request) const;

    QByteArray m_apiKey;
    qint64 m_maxBodyBytes;
};

} // namespace Herald
