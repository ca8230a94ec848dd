#pragma once

#include "tlssocket.h"
#include "ws/clientconnection.h"

namespace Herald {

// The TLS socket under a browser session (see ClientConnection; TlsSocket
// says how its queue is counted). A TlsIntake runs its server handshake and
// reads its request head; nothing is scanned as frames until headRead().
class TlsClientSocket : public TlsSocket, public ClientConnection
{
    Q_OBJECT

public:
    explicit TlsClientSocket(qint64 maxFrameBytes, QObject *parent = nullptr);

    // The request head is the first \a headLength bytes of the read buffer.
    void headRead(qsizetype headLength) { skipHead(headLength); }

    void close() override;
};

} // namespace Herald
