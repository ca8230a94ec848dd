#include "api/apiguard.h"

#include "secretcompare.h"

#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

using Method = QHttpServerRequest::Method;

QString allowed(QHttpServerRequest::Methods methods)
{
    QStringList names;
    for (const auto &[method, name] : {std::pair{Method::Get, u"GET"_s},
                                       {Method::Post, u"POST"_s},
                                       {Method::Delete, u"DELETE"_s}}) {
        if (methods.testFlag(method))
            names.append(name);
    }
    return names.join(u", "_s);
}

} // namespace

ApiGuard::ApiGuard(QByteArray apiKey, qint64 maxBodyBytes)
    : m_apiKey(std::move(apiKey)), m_maxBodyBytes(maxBodyBytes)
{ }

bool ApiGuard::authorized(const QHttpServerRequest &request) const
{
    const QByteArray header = request.value("Authorization");
    return header.startsWith("Bearer ") && secretsEqual(header.mid(7).trimmed(), m_apiKey);
}

std::optional<ApiError> ApiGuard::check(const QHttpServerRequest &request, Methods methods,
                                        bool jsonBody) const
{
    if (!authorized(request)) {
        return ApiError{401, u"unauthorized"_s,
                        u"Missing or wrong API key; send Authorization: Bearer <api key>"_s};
    }
    if (auto refusal = upgradeRefusal(request))
        return refusal;
    if (!methods.testFlag(request.method())) {
        return ApiError{405, u"method_not_allowed"_s,
                        u"%1 accepts %2"_s.arg(request.url().path(), allowed(methods))};
    }
    if (request.body().size() > m_maxBodyBytes) {
        return ApiError{413, u"payload_too_large"_s,
                        u"Request body exceeds %1 bytes"_s.arg(m_maxBodyBytes)};
    }
    const QByteArray contentType = request.value("Content-Type").split(';').first().trimmed();
    if (jsonBody && contentType.compare("application/json", Qt::CaseInsensitive) != 0) {
        return ApiError{415, u"unsupported_media_type"_s,
                        u"Send the body as Content-Type: application/json"_s};
    }
    return std::nullopt;
}

std::optional<ApiError> ApiGuard::upgradeRefusal(const QHttpServerRequest &request)
{
    if (request.value("Upgrade").isEmpty()
        && !request.value("Connection").toLower().contains("upgrade")) {
        return std::nullopt;
    }
    return ApiError{400, u"upgrade_not_supported"_s,
                    u"%1 does not switch protocols; only /admin is a WebSocket endpoint"_s.arg(
                        request.url().path())};
}

QHttpServerResponse ApiGuard::errorResponse(const ApiError &error)
{
    return QHttpServerResponse(error.toJson(), QHttpServerResponse::StatusCode(error.status));
}

QHttpServerResponse ApiGuard::json(const QByteArray &body, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse("application/json", body, status);
}

QString ApiGuard::decoded(const QString &pathSegment)
{
    return QUrl::fromPercentEncoding(pathSegment.toUtf8());
}

std::optional<qint64> ApiGuard::queryNumber(const QHttpServerRequest &request, const QString &name,
                                            qint64 fallback, qint64 min, qint64 max)
{
    if (!request.query().hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 value = request.query().queryItemValue(name).toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

} // namespace Herald
