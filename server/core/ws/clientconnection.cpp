#include "ws/clientconnection.h"

#include "logging.h"
#include "ws/sessionslots.h"

#include <QTcpSocket>
#include <QVarLengthArray>

#include <sys/socket.h>

namespace Herald {

namespace {
constexpr qint64 MaxFrameHeaderBytes = 14;
}

ClientConnection::ClientConnection(QTcpSocket &socket, qint64 maxFrameBytes) : m_socket(socket)
{
    // A frame reader needs a whole payload in the buffer, and no more.
    m_socket.setReadBufferSize(maxFrameBytes + MaxFrameHeaderBytes);
    QObject::connect(&m_socket, &QIODevice::readyRead, &m_socket, [this] { scan(); });
}

ClientConnection::~ClientConnection()
{
    if (m_slots)
        m_slots->release();
}

bool ClientConnection::settle()
{
    const qint64 left = m_socket.bytesAvailable();
    if (m_trusted && left > m_scanner.unreadBound()) {
        m_trusted = false;
        qCWarning(lcWs) << "frame scanner lost its place:" << left << "bytes left unread, at most"
                        << m_scanner.unreadBound() << "expected; no longer counting pings";
    }
    m_scanned = left;
    return m_trusted;
}

// abort(), Qt's own on a socket error too, drops the write channel before it
// calls close(): that one must close for real.
bool ClientConnection::lingerInsteadOfClosing()
{
    if (!m_lingerOnClose || m_lingering || m_socket.state() != QAbstractSocket::ConnectedState
        || m_socket.writeChannelCount() == 0)
        return false;
    m_lingering = true;
    m_socket.readAll();
    m_scanned = 0;
    QObject::connect(&m_socket, &QIODevice::bytesWritten, &m_socket,
                     [this] { shutDownWhenFlushed(); });
    shutDownWhenFlushed();
    return true;
}

void ClientConnection::resetConnection()
{
    m_lingerOnClose = false;
    const linger now{1, 0};
    ::setsockopt(int(m_socket.socketDescriptor()), SOL_SOCKET, SO_LINGER, &now, sizeof(now));
    m_socket.abort();
}

void ClientConnection::shutDownWhenFlushed()
{
    if (m_shutDown || m_socket.bytesToWrite() > 0)
        return;
    m_shutDown = true;
    ::shutdown(int(m_socket.socketDescriptor()), SHUT_WR);
}

// Scans what arrived since the last round. Bytes read meanwhile by the
// handshake (the request head) are simply gone from the front. Once closing,
// drops it all: QtWebSockets must not answer anything after its close frame.
void ClientConnection::scan()
{
    if (m_lingering) {
        m_socket.readAll();
        return;
    }
    if (!m_scanning)
        return;
    const qint64 available = m_socket.bytesAvailable();
    if (!m_trusted || available <= m_scanned) {
        m_scanned = available;
        return;
    }
    qint64 from = m_scanned;
    const qint64 blind = std::min(available - from, m_scanner.blind());
    m_scanner.passBlind(blind);
    from += blind;
    m_scanned = available;
    if (from == available)
        return;
    // Usually a few header bytes; a long peek only when a payload ends in this round.
    QVarLengthArray<char, 4096> bytes(available);
    const qint64 peeked = m_socket.peek(bytes.data(), available);
    if (peeked <= from)
        return;
    const FrameScanner::Tally tally
        = m_scanner.scan(QByteArrayView(bytes.constData() + from, peeked - from));
    m_frames += tally.frames;
    m_unmasked = m_unmasked || tally.unmasked;
    if ((tally.frames > 0 || tally.unmasked) && m_onScanned)
        m_onScanned();
}

} // namespace Herald
