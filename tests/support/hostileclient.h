#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QTcpSocket>

#include <functional>
#include <optional>

namespace Herald::Test {

// A WebSocket client that misbehaves on purpose, speaking the wire format
// itself over a bare TCP socket: it can skip masking, stop reading (so that
// the kernel's window closes and the server's queue grows), trickle bytes,
// and flood pings, pongs or continuation frames.
class HostileClient
{
public:
    struct Frame
    {
        quint8 opcode = 0;
        QByteArray payload;
    };

    enum class Window { Normal, Small };
    // From \a from (any 127.0.0.0/8 address works on Linux), to 127.0.0.1. A
    // small window (a 4 KiB receive buffer, set before the connection is made)
    // keeps what the server sends in the server when the client stops reading.
    bool connectTo(quint16 port, const QHostAddress &from = QHostAddress::LocalHost,
                   Window window = Window::Normal);
    bool connectTo(quint16 port, Window window)
    {
        return connectTo(port, QHostAddress::LocalHost, window);
    }
    // Leaves what arrives in the kernel until startReading(): a client that never reads.
    void stopReading();
    void startReading();
    // Sends a WebSocket upgrade for \a target (followed at once by
    // \a pipelined, e.g. frames) and waits for the 101 head. \a headers are
    // more header lines, each ending in CRLF.
    bool upgrade(const QByteArray &target, const QByteArray &pipelined = {}, int timeoutMs = 5000,
                 const QByteArray &headers = {});

    static QByteArray frame(quint8 opcode, QByteArrayView payload, bool final = true,
                            bool masked = true);
    void write(const QByteArray &bytes);
    // Writes \a unit over and over, up to \a totalBytes, never more than
    // 1 MiB ahead of the kernel, until the server drops the connection or
    // \a stop returns true. Returns the bytes written.
    qint64 flood(const QByteArray &unit, qint64 totalBytes, const std::function<bool()> &stop = {},
                 int timeoutMs = 60000);
    // Reads, answering each server ping with its pong, until \a count pings
    // have come: a clock the server keeps (one ping per heartbeat).
    bool answerPings(int count, int timeoutMs = 10000);

    // Reads until a close frame arrives or the connection ends; the code of
    // that close frame, or nullopt when none came.
    std::optional<int> waitForClose(int timeoutMs = 5000);
    QString closeReason() const { return m_closeReason; }
    // Every frame read so far (pings and text frames included).
    const QList<Frame> &frames() const { return m_frames; }
    QList<QByteArray> textFrames() const;
    // Reads (when reading) until the frames hold a text frame containing \a fragment.
    bool waitForText(const QByteArray &fragment, int timeoutMs = 5000);

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    // Does not read: waits for the server to reset or close (FIN) the connection.
    bool waitForDisconnected(int timeoutMs = 5000);
    QTcpSocket &socket() { return m_socket; }

private:
    void parseFrames();

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QList<Frame> m_frames;
    std::optional<int> m_closeCode;
    QString m_closeReason;
};

} // namespace Herald::Test
