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
    skipHead(headLength);
    return true;
}

void ClientSocket::close()
{
    if (!lingerInsteadOfClosing())
        QTcpSocket::close();
}

} // namespace Herald
