#include "hostileclient.h"

#include <QTest>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Herald::Test {

namespace {

constexpr qint64 FloodChunk = 64 * 1024;
constexpr qint64 FloodAhead = 1024 * 1024;

void appendLength(QByteArray &out, quint8 maskBit, quint64 length)
{
    if (length < 126) {
        out.append(char(maskBit | length));
    } else if (length <= 0xffff) {
        out.append(char(maskBit | 126));
        out.append(char(length >> 8));
        out.append(char(length & 0xff));
    } else {
        out.append(char(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((length >> shift) & 0xff));
    }
}

} // namespace

// A blocking connect on a socket of our own: QAbstractSocket applies socket
// options only once connected, too late for the receive window.
bool HostileClient::connectTo(quint16 port, const QHostAddress &from, Window window)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int receiveBuffer = 4096;
    if (window == Window::Small)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof(receiveBuffer));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(from.toIPv4Address());
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&local), sizeof(local)) != 0
        || ::connect(fd, reinterpret_cast<sockaddr *>(&remote), sizeof(remote)) != 0
        || !m_socket.setSocketDescriptor(fd)) {
        ::close(fd);
        return false;
    }
    return true;
}

void HostileClient::stopReading()
{
    m_socket.setReadBufferSize(1);
}

void HostileClient::startReading()
{
    m_socket.setReadBufferSize(0);
}

bool HostileClient::upgrade(const QByteArray &target, const QByteArray &pipelined, int timeoutMs,
                            const QByteArray &headers)
{
    write("GET " + target
          + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + headers + "\r\n" + pipelined);
    [[maybe_unused]] const bool done = QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            return m_buffer.contains("\r\n\r\n") || !isConnected();
        },
        timeoutMs);
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0 || !m_buffer.startsWith("HTTP/1.1 101"))
        return false;
    m_buffer.remove(0, end + 4);
    parseFrames();
    return true;
}

QByteArray HostileClient::frame(quint8 opcode, QByteArrayView payload, bool final, bool masked)
{
    QByteArray out;
    out.append(char((final ? 0x80 : 0) | (opcode & 0x0f)));
    appendLength(out, masked ? 0x80 : 0, quint64(payload.size()));
    if (!masked)
        return out + payload.toByteArray();
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i % 4]));
    return out;
}

void HostileClient::write(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

qint64 HostileClient::flood(const QByteArray &unit, qint64 totalBytes,
                            const std::function<bool()> &stop, int timeoutMs)
{
    QByteArray chunk;
    while (chunk.size() < FloodChunk)
        chunk += unit;
    qint64 sent = 0;
    [[maybe_unused]] const bool done = QTest::qWaitFor(
        [&] {
            while (sent < totalBytes && isConnected() && m_socket.bytesToWrite() < FloodAhead) {
                m_socket.write(chunk);
                sent += chunk.size();
            }
            m_socket.flush();
            return sent >= totalBytes || !isConnected() || (stop && stop());
        },
        timeoutMs);
    return sent;
}

std::optional<int> HostileClient::waitForClose(int timeoutMs)
{
    startReading();
    [[maybe_unused]] const bool done = QTest::qWaitFor(
        [this] {
            m_buffer += m_socket.readAll();
            parseFrames();
            return m_closeCode || !isConnected();
        },
        timeoutMs);
    m_buffer += m_socket.readAll();
    parseFrames();
    return m_closeCode;
}

QList<QByteArray> HostileClient::textFrames() const
{
    QList<QByteArray> texts;
    for (const Frame &frame : m_frames) {
        if (frame.opcode == 0x1)
            texts.append(frame.payload);
    }
    return texts;
}

bool HostileClient::waitForText(const QByteArray &fragment, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            parseFrames();
            for (const QByteArray &text : textFrames()) {
                if (text.contains(fragment))
                    return true;
            }
            return false;
        },
        timeoutMs);
}

bool HostileClient::answerPings(int count, int timeoutMs)
{
    int seen = 0;
    return QTest::qWaitFor(
        [&] {
            m_buffer += m_socket.readAll();
            const qsizetype before = m_frames.size();
            parseFrames();
            for (qsizetype i = before; i < m_frames.size(); ++i) {
                if (m_frames.at(i).opcode == 0x9) {
                    write(frame(0xA, m_frames.at(i).payload));
                    ++seen;
                }
            }
            return seen >= count;
        },
        timeoutMs);
}

// Asks the kernel: a client that does not read would not hear of a reset.
bool HostileClient::waitForDisconnected(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            tcp_info info{};
            socklen_t length = sizeof(info);
            if (!isConnected()
                || ::getsockopt(int(m_socket.socketDescriptor()), IPPROTO_TCP, TCP_INFO, &info,
                                &length)
                    != 0)
                return true;
            return info.tcpi_state != TCP_ESTABLISHED;
        },
        timeoutMs);
}

// Server frames are never masked; a truncated frame waits for more bytes.
void HostileClient::parseFrames()
{
    while (m_buffer.size() >= 2) {
        const quint8 opcode = quint8(m_buffer[0]) & 0x0f;
        quint64 length = quint8(m_buffer[1]) & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return;
            length = (quint64(quint8(m_buffer[2])) << 8) | quint8(m_buffer[3]);
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | quint8(m_buffer[i]);
            header = 10;
        }
        if (quint64(m_buffer.size() - header) < length)
            return;
        Frame frame{opcode, m_buffer.mid(header, qsizetype(length))};
        m_buffer.remove(0, header + qsizetype(length));
        if (opcode == 0x8 && frame.payload.size() >= 2) {
            m_closeCode = (quint8(frame.payload[0]) << 8) | quint8(frame.payload[1]);
            m_closeReason = QString::fromUtf8(frame.payload.mid(2));
        }
        m_frames.append(frame);
    }
}

} // namespace Herald::Test
