#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QSslConfiguration>
#include <QUrl>

namespace Herald::Test {

// Blocking HTTP calls for tests (the event loop keeps running while waiting,
// so an in-process server answers).
class ApiClient
{
public:
    struct Reply
    {
        int status = 0; // 0: no HTTP answer
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
        QString errorCode() const;
    };

    ApiClient(QUrl base, QByteArray apiKey);

    Reply get(const QString &path);
    Reply post(const QString &path, const QJsonObject &body);
    Reply del(const QString &path);
    // Anything: used for the bad-request tables.
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body,
               const QList<QPair<QByteArray, QByteArray>> &headers);

    // https://: requests verify the server with \a configuration.
    void setSslConfiguration(const QSslConfiguration &configuration) { m_ssl = configuration; }

    QByteArray authorization() const { return "Bearer " + m_apiKey; }

private:
    QNetworkAccessManager m_network;
    QUrl m_base;
    QByteArray m_apiKey;
    QSslConfiguration m_ssl = QSslConfiguration::defaultConfiguration();
};

} // namespace Herald::Test
