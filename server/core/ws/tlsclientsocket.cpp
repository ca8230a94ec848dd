#include "ws/tlsclientsocket.h"

namespace Herald {

TlsClientSocket::TlsClientSocket(qint64 maxFrameBytes, QObject *parent)
    : TlsSocket(parent), ClientConnection(*this, maxFrameBytes)
{
    holdScanning();
}

void TlsClientSocket::close()
{
    if (!lingerInsteadOfClosing())
        TlsSocket::close();
}

} // namespace Herald
