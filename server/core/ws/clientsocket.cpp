#include "ws/clientsocket.h"

#include "ws/leansocketbuffers.h"

namespace Herald {

ClientSocket::ClientSocket(qint64 maxFrameBytes, QObject *parent)
    : QTcpSocket(parent), ClientConnection(*this, maxFrameBytes)
{ }

bool ClientSocket::adopt(qintptr descriptor, const QByteArray &received, qsizetype headLength)
{
    if (!setSocketDescriptor(descriptor))
        return false;
    LeanSocketBuffers::apply(*this, received);
    // Frames go out whole, one write each: Nagle's algorithm would hold a notification
    // behind a ping the client has not acknowledged yet, for up to its delayed-ACK time
    // (40 ms here).
    setSocketOption(QAbstractSocket::LowDelayOption, 1);
    skipHead(headLength);
    return true;
}

void ClientSocket::close()
{
    if (!lingerInsteadOfClosing())
        QTcpSocket::close();
}

} // namespace Herald
