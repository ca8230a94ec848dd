#include "handshakeprobe.h"

#include "logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

HandshakeProbe::HandshakeProbe(QObject *parent) : QObject(parent)
{
    connect(&m_network, &QNetworkAccessManager::finished, this, &HandshakeProbe::onFinished);
}

void HandshakeProbe::probe(const AdminEndpoint &endpoint)
{
    abort();
    QNetworkRequest request(endpoint.probeUrl());
    request.setRawHeader("Authorization", "Bearer " + endpoint.token);
    request.setTransferTimeout(5000);
    m_reply = m_network.get(request);
}

void HandshakeProbe::abort()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = std::exchange(m_reply, nullptr);
    reply->abort();
    reply->deleteLater();
}

void HandshakeProbe::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply)
        return;
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject error
        = QJsonDocument::fromJson(reply->readAll()).object().value(u"error"_s).toObject();
    const QString detail = error.value(u"message"_s).toString();
    qCDebug(lcMonitorClient) << "admin probe answered" << status << detail;
    if (status == 401)
        Q_EMIT finished(Verdict::Unauthorized, detail);
    else if (status == 404)
        Q_EMIT finished(Verdict::NotEnabled, detail);
    else if (status == 0)
        Q_EMIT finished(Verdict::Unreachable, reply->errorString());
    else
        Q_EMIT finished(Verdict::Retry, detail);
}

} // namespace Herald
