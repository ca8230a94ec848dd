#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <deque>
#include <vector>

class QTcpSocket;

namespace Herald {

// A lean HTTP/1.1 client for pushes: a fixed pool of keep-alive connections to one
// host, one request in flight per connection, the rest queued in order. It keeps
// the load generator's own cost per push far below QNetworkAccessManager's so the
// servers, not the bench, set the maximum rate. Answers must carry Content-Length
// (herald-server, express and nginx all do); a chunked or broken answer counts as
// a failure and the connection is reopened.
class RawPusher : public QObject
{
    Q_OBJECT

public:
    RawPusher(QString host, quint16 port, int connections, QObject *parent = nullptr);

    // request: the whole head ("POST /path HTTP/1.1\r\n...") without Content-Length
    // and the blank line; both are added here.
    void post(const QByteArray &head, const QByteArray &body);

Q_SIGNALS:
    void answered(bool ok); // ok: a 2xx status

private:
    struct Connection
    {
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        bool busy = false;
    };

    void openConnection(int index);
    void send(int index, const QByteArray &request);
    void onReadyRead(int index);
    void onBroken(int index);
    void finishOne(int index, bool ok);

    QString m_host;
    quint16 m_port;
    std::vector<Connection> m_connections;
    std::deque<QByteArray> m_queue;
    QList<int> m_idle;
};

} // namespace Herald
