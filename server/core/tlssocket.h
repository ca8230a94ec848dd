#pragma once

#include <QSslSocket>

namespace Herald {

// A QSslSocket whose bytesToWrite() is everything still queued for the peer:
// the plaintext still to encrypt plus the ciphertext still to send.
// QSslSocket's own counts only the former, so a peer that stops reading would
// pile the latter up where no budget sees it. bytesWritten() is also emitted
// as ciphertext reaches the network, so whoever waits for the queue to drain
// hears of it. Unencrypted, it is a plain TCP socket.
class TlsSocket : public QSslSocket
{
    Q_OBJECT

public:
    explicit TlsSocket(QObject *parent = nullptr);

    qint64 bytesToWrite() const override;
};

} // namespace Herald
