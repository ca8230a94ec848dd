#include "wsclient.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

WsClient::WsClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        QString error;
        const std::optional<ServerFrame> frame = ServerFrame::parse(text, &error);
        if (!frame) {
            const QByteArray message = "undecodable frame from the server (" + error.toUtf8()
                + "): " + text.left(200).toUtf8();
            QTest::qFail(message.constData(), __FILE__, __LINE__);
            return;
        }
        m_frames.append(*frame);
        Q_EMIT frameReceived(*frame);
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
    return QTest::qWaitFor(
               [this] { return !framesOfType(ServerFrame::Type::Welcome).isEmpty() || m_closed; },
               timeoutMs)
        && !m_closed;
}

QList<ServerFrame> WsClient::framesOfType(ServerFrame::Type type) const
{
    QList<ServerFrame> result;
    for (const ServerFrame &frame : m_frames) {
        if (frame.type == type)
            result.append(frame);
    }
    return result;
}

void WsClient::send(const ClientFrame &frame)
{
    m_socket.sendTextMessage(frame.toText());
}

QList<qint64> WsClient::seqs() const
{
    QList<qint64> result;
    for (const ServerFrame &frame : framesOfType(ServerFrame::Type::Notification))
        result.append(frame.seq);
    return result;
}

ServerFrame WsClient::welcome() const
{
    const QList<ServerFrame> welcome = framesOfType(ServerFrame::Type::Welcome);
    return welcome.isEmpty() ? ServerFrame() : welcome.first();
}

QString WsClient::sessionId() const
{
    return welcome().session;
}

} // namespace Herald::Test
