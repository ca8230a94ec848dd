#include "rawpusher.h"

#include <QNetworkProxy>
#include <QTcpSocket>

namespace Herald {

RawPusher::RawPusher(QString host, quint16 port, int connections, QObject *parent)
    : QObject(parent), m_host(std::move(host)), m_port(port), m_connections(size_t(connections))
{
    for (int i = 0; i < connections; ++i) {
        openConnection(i);
        m_idle.append(i);
    }
}

void RawPusher::openConnection(int index)
{
    Connection &connection = m_connections[size_t(index)];
    if (connection.socket)
        connection.socket->deleteLater();
    connection.socket = new QTcpSocket(this);
    connection.socket->setProxy(QNetworkProxy::NoProxy);
    connection.buffer.clear();
    connection.busy = false;
    QTcpSocket *socket = connection.socket;
    connect(socket, &QTcpSocket::readyRead, this, [this, index] { onReadyRead(index); });
    connect(socket, &QTcpSocket::disconnected, this, [this, index, socket] {
        if (m_connections[size_t(index)].socket == socket)
            onBroken(index);
    });
    socket->connectToHost(m_host, m_port);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

void RawPusher::post(const QByteArray &head, const QByteArray &body)
{
    QByteArray request = head;
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    if (m_idle.isEmpty()) {
        m_queue.push_back(std::move(request));
        return;
    }
    send(m_idle.takeLast(), request);
}

// QTcpSocket buffers writes made before the connection is up.
void RawPusher::send(int index, const QByteArray &request)
{
    Connection &connection = m_connections[size_t(index)];
    connection.busy = true;
    connection.socket->write(request);
}

void RawPusher::onReadyRead(int index)
{
    Connection &connection = m_connections[size_t(index)];
    connection.buffer += connection.socket->readAll();
    while (connection.busy) {
        const qsizetype headEnd = connection.buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = connection.buffer.left(headEnd).toLower();
        const int status = head.mid(9, 3).toInt();
        const qsizetype at = head.indexOf("\r\ncontent-length:");
        if (at < 0) {
            onBroken(index); // chunked or close-delimited: not supported
            return;
        }
        const qsizetype lineEnd = head.indexOf("\r\n", at + 2);
        const qsizetype length = head.mid(at + 17, (lineEnd < 0 ? head.size() : lineEnd) - at - 17)
                                     .trimmed()
                                     .toLongLong();
        if (connection.buffer.size() < headEnd + 4 + length)
            return;
        connection.buffer.remove(0, headEnd + 4 + length);
        finishOne(index, status / 100 == 2);
    }
}

void RawPusher::onBroken(int index)
{
    const bool wasBusy = m_connections[size_t(index)].busy;
    m_idle.removeAll(index);
    openConnection(index);
    if (wasBusy)
        Q_EMIT answered(false);
    finishOne(index, true /* unused: nothing in flight now */);
}

// The connection is free: take the next queued request or go idle.
void RawPusher::finishOne(int index, bool ok)
{
    Connection &connection = m_connections[size_t(index)];
    if (connection.busy) {
        connection.busy = false;
        Q_EMIT answered(ok);
    }
    if (!m_queue.empty()) {
        QByteArray request = std::move(m_queue.front());
        m_queue.pop_front();
        send(index, request);
    } else {
        m_idle.append(index);
    }
}

} // namespace Herald
