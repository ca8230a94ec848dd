#pragma once

#include "ws/framescanner.h"

#include <QTcpSocket>

#include <utility>

namespace Herald {

class SessionSlots;

// The TCP socket under a browser session. QtWebSockets reads it, answers
// pings on its own and never checks the mask bit; this socket sees every
// byte before QtWebSockets does (its readyRead slot is connected first, in
// the constructor) and counts the frames in them with a FrameScanner. Its
// read buffer is bounded by the largest frame, so one round of reading, and
// the pongs QtWebSockets queues for it, are bounded too.
class ClientSocket : public QTcpSocket
{
    Q_OBJECT

public:
    explicit ClientSocket(qint64 maxFrameBytes, QObject *parent = nullptr);
    ~ClientSocket() override; // gives its session slot back

    // The descriptor counts against \a slots until this socket is destroyed.
    void holdSlot(SessionSlots &slots) { m_slots = &slots; }

    // Takes over an accepted descriptor whose first bytes the acceptor has
    // read already (\a received: the request head, \a headLength bytes, and
    // whatever followed it): they are put back in front of the rest.
    bool adopt(qintptr descriptor, const QByteArray &received, qsizetype headLength);

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
    void close() override;
    // Closes at once with a reset: whatever is still queued, here and in the
    // kernel, is dropped.
    void resetConnection();

Q_SIGNALS:
    // New frames were scanned; QtWebSockets has not handled them yet.
    void scanned();

private:
    void scan();
    void shutDownWhenFlushed();

    SessionSlots *m_slots = nullptr;
    FrameScanner m_scanner;
    qint64 m_scanned = 0; // bytes at the front of the read buffer scanned already
    int m_frames = 0;
    bool m_unmasked = false;
    bool m_trusted = true;
    bool m_lingerOnClose = false;
    bool m_lingering = false;
    bool m_shutDown = false;
};

} // namespace Herald
