#include "ws/clientsocket.h"

namespace Herald {

ClientSocket::ClientSocket(qint64 maxFrameBytes, QObject *parent)
    : QTcpSocket(parent), ClientConnection(*this, maxFrameBytes)
{ }

bool ClientSocket::adopt(qintptr descriptor, const QByteArray &received, qsizetype headLength)
{
    if (!setSocketDescriptor(descriptor))
        return false;
    for (qsizetype i = received.size() - 1; i >= 0; --i)
        ungetChar(received.at(i));
    skipHead(headLength);
    return true;
}

void ClientSocket::close()
{
    if (!lingerInsteadOfClosing())
        QTcpSocket::close();
}

} // namespace Herald
