#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QSslSocket>

namespace Herald::Test {

// A bare TCP client that speaks just enough HTTP and WebSocket to do what a
// browser library hides: read the HTTP status of a refused upgrade, or finish
// a handshake and then never answer a ping (a dead peer). Plain TCP, or TLS
// after connectEncrypted().
class RawClient
{
public:
    bool connectTo(quint16 port, int timeoutMs = 15000);
    // TLS to localhost, verified with \a configuration; true once encrypted.
    bool connectEncrypted(quint16 port, const QSslConfiguration &configuration,
                          int timeoutMs = 15000);
    // TLS on a connection already open (after a PROXY header, say), verified as localhost.
    bool startEncryption(const QSslConfiguration &configuration, int timeoutMs = 15000);
    void write(const QByteArray &bytes);
    // Sends "GET <target>" as a WebSocket upgrade request.
    void sendUpgrade(const QByteArray &target, const QByteArray &extraHeaders = {});

    // Reads until the peer closes (or timeout): the whole HTTP answer.
    QByteArray readUntilClosed(int timeoutMs = 15000);
    // Reads until the response head is complete; returns it (101 for success).
    QByteArray readHead(int timeoutMs = 15000);
    // Reads one whole response, head and Content-Length body, whether or not
    // the peer then closes; empty if it did not come in time.
    QByteArray readResponse(int timeoutMs = 15000);
    // Everything received and not returned yet by readHead() or readResponse().
    QByteArray takeReceived();

    static int statusOf(const QByteArray &response);
    static QJsonObject bodyOf(const QByteArray &response);

    bool waitForDisconnected(int timeoutMs = 15000);
    QTcpSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QByteArray m_buffer;
};

} // namespace Herald::Test
