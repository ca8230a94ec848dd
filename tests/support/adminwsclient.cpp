#include "adminwsclient.h"

#include "admin/adminkeys.h"

#include <QJsonDocument>

namespace Herald::Test {

AdminWsClient::AdminWsClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        m_frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = int(m_socket.closeCode());
        m_closeReason = m_socket.closeReason();
    });
}

void AdminWsClient::open(const QNetworkRequest &request)
{
    m_socket.open(request);
}

void AdminWsClient::send(const QJsonObject &frame)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

QList<QJsonObject> AdminWsClient::framesOfType(QLatin1StringView type) const
{
    QList<QJsonObject> result;
    for (const QJsonObject &frame : m_frames) {
        if (frame.value(AdminKey::Type).toString() == type)
            result.append(frame);
    }
    return result;
}

} // namespace Herald::Test
