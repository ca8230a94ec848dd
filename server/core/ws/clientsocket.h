#pragma once

#include "ws/clientconnection.h"

#include <QTcpSocket>

namespace Herald {

// The plain TCP socket under a browser session (see ClientConnection).
class ClientSocket : public QTcpSocket, public ClientConnection
{
    Q_OBJECT

public:
    explicit ClientSocket(qint64 maxFrameBytes, QObject *parent = nullptr);

    // Takes over an accepted descriptor whose first bytes the acceptor has
    // read already (\a received: the request head, \a headLength bytes, and
    // whatever followed it): they are put back in front of the rest. Its
    // buffers are lean (LeanSocketBuffers): an idle session holds none.
    bool adopt(qintptr descriptor, const QByteArray &received, qsizetype headLength);

    void close() override;
};

} // namespace Herald
