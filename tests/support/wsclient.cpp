#include "wsclient.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

WsClient::WsClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
        m_frames.append(frame);
        Q_EMIT frameReceived(frame);
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = int(m_socket.closeCode());
        m_closeReason = m_socket.closeReason();
    });
}

void WsClient::open(const QUrl &url)
{
    m_socket.open(url);
}

void WsClient::open(const QNetworkRequest &request)
{
    m_socket.open(request);
}

bool WsClient::connectAndWelcome(const QUrl &url, int timeoutMs)
{
    open(url);
    return QTest::qWaitFor([this] { return !framesOfType(u"welcome"_s).isEmpty() || m_closed; },
                           timeoutMs)
        && !m_closed;
}

QList<QJsonObject> WsClient::framesOfType(const QString &type) const
{
    QList<QJsonObject> result;
    for (const QJsonObject &frame : m_frames) {
        if (frame.value(u"type"_s).toString() == type)
            result.append(frame);
    }
    return result;
}

void WsClient::send(const QJsonObject &frame)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

QList<qint64> WsClient::seqs() const
{
    QList<qint64> result;
    for (const QJsonObject &frame : framesOfType(u"notification"_s))
        result.append(qint64(frame.value(u"seq"_s).toDouble()));
    return result;
}

QJsonObject WsClient::welcome() const
{
    const QList<QJsonObject> welcome = framesOfType(u"welcome"_s);
    return welcome.isEmpty() ? QJsonObject() : welcome.first();
}

QString WsClient::sessionId() const
{
    const QList<QJsonObject> welcome = framesOfType(u"welcome"_s);
    return welcome.isEmpty() ? QString() : welcome.first().value(u"session"_s).toString();
}

} // namespace Herald::Test
