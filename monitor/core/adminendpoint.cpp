#include "adminendpoint.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

QUrl withSchemeAndPath(const QUrl &apiUrl, const QString &plain, const QString &secure)
{
    const QString scheme = apiUrl.scheme();
    const bool isSecure = scheme == u"https"_s || scheme == u"wss"_s;
    if (!isSecure && scheme != u"http"_s && scheme != u"ws"_s)
        return {};
    QUrl url;
    url.setScheme(isSecure ? secure : plain);
    url.setHost(apiUrl.host());
    url.setPort(apiUrl.port());
    url.setPath(u"/admin"_s);
    return url;
}

std::optional<QUrl> refuse(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

} // namespace

QUrl AdminEndpoint::webSocketUrl() const
{
    return withSchemeAndPath(apiUrl, u"ws"_s, u"wss"_s);
}

QUrl AdminEndpoint::probeUrl() const
{
    return withSchemeAndPath(apiUrl, u"http"_s, u"https"_s);
}

QString AdminEndpoint::displayName() const
{
    return apiUrl.port() > 0 ? u"%1:%2"_s.arg(apiUrl.host()).arg(apiUrl.port()) : apiUrl.host();
}

std::optional<QUrl> AdminEndpoint::parseApiUrl(const QString &text, QString *error)
{
    QString trimmed = text.trimmed();
    if (!trimmed.contains(u"://"_s))
        trimmed.prepend(u"http://"_s);
    const QUrl url(trimmed, QUrl::StrictMode);
    const QStringList schemes{u"http"_s, u"https"_s, u"ws"_s, u"wss"_s};
    if (!url.isValid() || url.host().isEmpty())
        return refuse(error, u"not a URL: %1"_s.arg(text));
    if (!schemes.contains(url.scheme()))
        return refuse(error, u"unsupported scheme %1 (use http or https)"_s.arg(url.scheme()));
    if (!url.path().isEmpty() && url.path() != u"/"_s && url.path() != u"/admin"_s)
        return refuse(error, u"give the server's base URL, without the path %1"_s.arg(url.path()));
    return url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

} // namespace Herald
