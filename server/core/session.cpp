#include "session.h"

#include <QWebSocket>

namespace Herald {

Session::Session(QWebSocket *socket, SessionInfo info, QObject *parent)
    : QObject(parent), m_socket(socket), m_info(std::move(info))
{
    m_socket->setParent(this);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_awaitingPong = false; });
}

void Session::send(const QString &frame)
{
    m_socket->sendTextMessage(frame);
    ++m_framesSent;
}

void Session::ping()
{
    m_awaitingPong = true;
    m_socket->ping();
}

} // namespace Herald
