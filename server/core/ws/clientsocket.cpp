#include "ws/clientsocket.h"

#include "logging.h"
#include "ws/sessionslots.h"

#include <QVarLengthArray>

#include <sys/socket.h>

namespace Herald {

namespace {
constexpr qint64 MaxFrameHeaderBytes = 14;
}

ClientSocket::ClientSocket(qint64 maxFrameBytes, QObject *parent) : QTcpSocket(parent)
{
    // A frame reader needs a whole payload in the buffer, and no more.
    setReadBufferSize(maxFrameBytes + MaxFrameHeaderBytes);
    connect(this, &QIODevice::readyRead, this, &ClientSocket::scan);
}

ClientSocket::~ClientSocket()
{
    if (m_slots)
        m_slots->release();
}

bool ClientSocket::adopt(qintptr descriptor, const QByteArray &received, qsizetype headLength)
{
    if (!setSocketDescriptor(descriptor))
        return false;
    for (qsizetype i = received.size() - 1; i >= 0; --i)
        ungetChar(received.at(i));
    m_scanner.skip(headLength);
    return true;
}

bool ClientSocket::settle()
{
    const qint64 left = bytesAvailable();
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
void ClientSocket::close()
{
    if (!m_lingerOnClose || m_lingering || state() != QAbstractSocket::ConnectedState
        || writeChannelCount() == 0)
        return QTcpSocket::close();
    m_lingering = true;
    readAll();
    m_scanned = 0;
    connect(this, &QIODevice::bytesWritten, this, &ClientSocket::shutDownWhenFlushed);
    shutDownWhenFlushed();
}

void ClientSocket::resetConnection()
{
    m_lingerOnClose = false;
    const linger now{1, 0};
    ::setsockopt(int(socketDescriptor()), SOL_SOCKET, SO_LINGER, &now, sizeof(now));
    abort();
}

void ClientSocket::shutDownWhenFlushed()
{
    if (m_shutDown || bytesToWrite() > 0)
        return;
    m_shutDown = true;
    ::shutdown(int(socketDescriptor()), SHUT_WR);
}

// Scans what arrived since the last round. Bytes read meanwhile by the
// handshake (the request head) are simply gone from the front. Once closing,
// drops it all: QtWebSockets must not answer anything after its close frame.
void ClientSocket::scan()
{
    if (m_lingering) {
        readAll();
        return;
    }
    const qint64 available = bytesAvailable();
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
    const qint64 peeked = peek(bytes.data(), available);
    if (peeked <= from)
        return;
    const FrameScanner::Tally tally
        = m_scanner.scan(QByteArrayView(bytes.constData() + from, peeked - from));
    m_frames += tally.frames;
    m_unmasked = m_unmasked || tally.unmasked;
    if (tally.frames > 0 || tally.unmasked)
        Q_EMIT scanned();
}

} // namespace Herald
