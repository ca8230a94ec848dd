#pragma once

#include "ws/framescanner.h"

#include <functional>
#include <utility>

class QTcpSocket;

namespace Herald {

class SessionSlots;

// What a session's worker needs of the socket under it, plain (ClientSocket)
// or TLS (TlsClientSocket). QtWebSockets reads that socket, answers pings on
// its own and never checks the mask bit; this sees every byte before
// QtWebSockets does (its readyRead slot is connected first, in the
// constructor) and counts the frames in them with a FrameScanner. The read
// buffer is bounded by the largest frame, so one round of reading, and the
// pongs QtWebSockets queues for it, are bounded too.
class ClientConnection
{
public:
    virtual ~ClientConnection(); // gives its session slot back
    ClientConnection(const ClientConnection &) = delete;
    ClientConnection &operator=(const ClientConnection &) = delete;

    QTcpSocket &tcp() const { return m_socket; }

    // The descriptor counts against \a slots until this is destroyed.
    void holdSlot(SessionSlots &slots) { m_slots = &slots; }
    // Called when new frames were scanned; QtWebSockets has not handled them yet.
    void onScanned(std::function<void()> handler) { m_onScanned = std::move(handler); }

    // Call once QtWebSockets has read (from a readyRead slot connected after
    // the upgrade): what it left in the buffer was scanned already. Returns
    // false, and stops scanning, when it left more than a frame reader can:
    // the scanner has lost its place, and a wrong count must not close a
    // well-behaved client.
    bool settle();

    int takeFrames() { return std::exchange(m_frames, 0); }
    bool sawUnmaskedFrame() const { return m_unmasked; }

    // From now on the first close() (QWebSocket::close() calls it after
    // queuing its close frame) sends what is queued, then a FIN, and reads
    // and drops what the client still sends until it closes too; the next
    // close() or abort() closes at once. A plain close with unread bytes
    // would make the kernel reset the connection and drop the close frame.
    void lingerOnClose() { m_lingerOnClose = true; }
    // Closes at once with a reset: whatever is still queued, here and in the
    // kernel, is dropped.
    void resetConnection();

protected:
    ClientConnection(QTcpSocket &socket, qint64 maxFrameBytes);

    // The subclass's close() calls this first: true when the close became a
    // lingering one, false when the socket must close for real.
    bool lingerInsteadOfClosing();
    // Until skipHead(), nothing is scanned: the request head is still arriving.
    void holdScanning() { m_scanning = false; }
    // The first \a bytes in the read buffer are the request head, not frames;
    // scanning starts with the next round of reading.
    void skipHead(qsizetype bytes)
    {
        m_scanner.skip(bytes);
        m_scanning = true;
    }

private:
    void scan();
    void shutDownWhenFlushed();

    QTcpSocket &m_socket;
    SessionSlots *m_slots = nullptr;
    std::function<void()> m_onScanned;
    FrameScanner m_scanner;
    qint64 m_scanned = 0; // bytes at the front of the read buffer scanned already
    int m_frames = 0;
    bool m_unmasked = false;
    bool m_trusted = true;
    bool m_scanning = true;
    bool m_lingerOnClose = false;
    bool m_lingering = false;
    bool m_shutDown = false;
};

} // namespace Herald
