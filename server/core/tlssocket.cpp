#include "tlssocket.h"

namespace Herald {

TlsSocket::TlsSocket(QObject *parent) : QSslSocket(parent)
{
    connect(this, &QSslSocket::encryptedBytesWritten, this,
            [this](qint64 written) { Q_EMIT bytesWritten(written); });
}

qint64 TlsSocket::bytesToWrite() const
{
    return QSslSocket::bytesToWrite() + encryptedBytesToWrite();
}

} // namespace Herald
