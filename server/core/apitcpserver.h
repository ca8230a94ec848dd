#pragma once

#include <QDeadlineTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace Herald {

// The push API's listening socket, handed to QHttpServer with bind(). Adds
// what QHttpServer 6.4 lacks: connections idle longer than the timeout are
// closed, and a connection that sends more than the byte budget without
// getting an answer is refused with 413 before the body is buffered whole.
class ApiTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    ApiTcpServer(int idleTimeoutMs, qint64 maxUnansweredBytes, QObject *parent = nullptr);

    // The connection whose request QHttpServer is handling right now: this
    // server's readyRead slot runs first on every connection, so inside a route
    // handler it names the connection the request came from.
    QTcpSocket *currentSocket() const { return m_current; }
    // Stops guarding a connection that leaves HTTP (a WebSocket upgrade):
    // QHttpServer disconnects every signal of it when it hands it over.
    void release(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Guard
    {
        QDeadlineTimer idle;
        qint64 unanswered = 0;
    };

    void onReadyRead(QTcpSocket *socket);
    void refuseOversized(QTcpSocket *socket);
    void sweep();

    int m_idleTimeoutMs;
    qint64 m_maxUnansweredBytes;
    QHash<QTcpSocket *, Guard> m_guards;
    QTimer m_sweep;
    QTcpSocket *m_current = nullptr;
};

} // namespace Herald
