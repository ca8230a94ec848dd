#include "rawclient.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

bool RawClient::connectTo(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    return m_socket.waitForConnected(timeoutMs);
}

bool RawClient::connectEncrypted(quint16 port, const QSslConfiguration &configuration,
                                 int timeoutMs)
{
    m_socket.setSslConfiguration(configuration);
    m_socket.connectToHostEncrypted(u"localhost"_s, port);
    // Not waitForEncrypted(): an in-process server needs this thread's event loop.
    return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, timeoutMs);
}

bool RawClient::startEncryption(const QSslConfiguration &configuration, int timeoutMs)
{
    m_socket.setSslConfiguration(configuration);
    m_socket.setPeerVerifyName(u"localhost"_s);
    m_socket.startClientEncryption();
    return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, timeoutMs);
}

void RawClient::write(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

void RawClient::sendUpgrade(const QByteArray &target, const QByteArray &extraHeaders)
{
    write("GET " + target
          + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + extraHeaders + "\r\n");
}

QByteArray RawClient::readUntilClosed(int timeoutMs)
{
    [[maybe_unused]] const bool closed = QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    m_buffer += m_socket.readAll();
    return m_buffer;
}

QByteArray RawClient::readHead(int timeoutMs)
{
    [[maybe_unused]] const bool complete = QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_buffer.contains("\r\n\r\n")
                || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return m_buffer;
    const QByteArray head = m_buffer.left(end + 4);
    m_buffer.remove(0, end + 4);
    return head;
}

QByteArray RawClient::takeReceived()
{
    QByteArray received = m_buffer + m_socket.readAll();
    m_buffer.clear();
    return received;
}

QByteArray RawClient::readResponse(int timeoutMs)
{
    const QByteArray head = readHead(timeoutMs);
    if (!head.endsWith("\r\n\r\n"))
        return {};
    static const QRegularExpression contentLength(u"^content-length:\\s*(\\d+)"_s,
                                                  QRegularExpression::CaseInsensitiveOption
                                                      | QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = contentLength.match(QString::fromLatin1(head));
    const qsizetype length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    const bool complete = QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            return m_buffer.size() >= length
                || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (!complete || m_buffer.size() < length)
        return {};
    const QByteArray body = m_buffer.left(length);
    m_buffer.remove(0, length);
    return head + body;
}

int RawClient::statusOf(const QByteArray &response)
{
    // "HTTP/1.1 401 Unauthorized"
    return response.mid(9, 3).toInt();
}

QJsonObject RawClient::bodyOf(const QByteArray &response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return QJsonDocument::fromJson(response.mid(end + 4)).object();
}

bool RawClient::waitForDisconnected(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            m_socket.readAll(); // a dead peer ignores everything it is sent
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

} // namespace Herald::Test
