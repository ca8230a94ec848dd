#include "apiclient.h"

#include <QBuffer>
#include <QNetworkReply>
#include <QSignalSpy>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

QString ApiClient::Reply::errorCode() const
{
    return json().value(u"error"_s).toObject().value(u"code"_s).toString();
}

ApiClient::ApiClient(QUrl base, QByteArray apiKey)
    : m_base(std::move(base)), m_apiKey(std::move(apiKey))
{ }

ApiClient::Reply ApiClient::get(const QString &path)
{
    return send("GET", path, {}, {{"Authorization", authorization()}});
}

ApiClient::Reply ApiClient::post(const QString &path, const QJsonObject &body)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                {{"Authorization", authorization()}, {"Content-Type", "application/json"}});
}

ApiClient::Reply ApiClient::del(const QString &path)
{
    return send("DELETE", path, {}, {{"Authorization", authorization()}});
}

ApiClient::Reply ApiClient::send(const QByteArray &method, const QString &path,
                                 const QByteArray &body,
                                 const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(m_base.resolved(QUrl(path)));
    request.setSslConfiguration(m_ssl);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QBuffer buffer;
    buffer.setData(body);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, &buffer);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    // Generous for a busy machine; abort() stops the reply from reading the
    // buffer, which does not outlive this call.
    if (!reply->isFinished() && !finished.wait(30000))
        reply->abort();
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

} // namespace Herald::Test
