#pragma once

#include <QDeadlineTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace Herald {

class ApiSocket;
struct HandshakeRequest;

// The push API's listening socket, handed to QHttpServer with bind(). Adds
// what QHttpServer 6.4 lacks:
//  - A connection reaches QHttpServer only once the head of its first request
//    is in and was seen here. A request that asks for a protocol upgrade goes
//    to the upgrade handler instead (the admin channel), because QHttpServer
//    6.4 would switch any such request to its own WebSocket server whatever
//    its route answered. Nothing listens to that server, so an upgrade
//    attempt on a later request of a kept-alive connection is never switched.
//  - Connections idle longer than the timeout are closed.
//  - A connection that sends more than the byte budget without getting an
//    answer is refused with 413 before the body is buffered whole.
class ApiTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // Gets a connection whose first request asks for an upgrade on the
    // upgrade path, with that request's head (still unread in the socket). It
    // owns the socket from then on: it answers it or switches it.
    using UpgradeHandler = std::function<void(ApiSocket *, const HandshakeRequest &)>;

    ApiTcpServer(int idleTimeoutMs, qint64 maxUnansweredBytes, QObject *parent = nullptr);

    // Upgrade requests for any other path go to QHttpServer, which answers
    // them as plain requests and then closes the connection.
    void setUpgradeHandler(const QString &path, UpgradeHandler handler)
    {
        m_upgradePath = path;
        m_upgradeHandler = std::move(handler);
    }

    // The connection whose request QHttpServer is handling right now: this
    // server's readyRead slot runs first on every connection, so inside a route
    // handler it names the connection the request came from.
    QTcpSocket *currentSocket() const { return m_current; }
    // Whether anything was written to the current connection since its
    // request was read: whether a route has answered it already.
    bool currentAnswered() const;
    // Writes a refusal and closes the connection (its first request was not
    // handed to QHttpServer).
    static void refuse(QTcpSocket *socket, const QByteArray &answer);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Guard
    {
        QDeadlineTimer idle;
        qint64 unanswered = 0;
        bool http = false; // handed to QHttpServer
    };

    void onReadyRead(ApiSocket *socket);
    void inspectFirstHead(ApiSocket *socket);
    void handToHttp(ApiSocket *socket);
    void forget(QTcpSocket *socket);
    void refuseOversized(QTcpSocket *socket);
    void sweep();

    int m_idleTimeoutMs;
    qint64 m_maxUnansweredBytes;
    QString m_upgradePath;
    UpgradeHandler m_upgradeHandler;
    QHash<QTcpSocket *, Guard> m_guards;
    QTimer m_sweep;
    QTcpSocket *m_current = nullptr;
    qint64 m_currentQueuedBytes = 0; // bytesToWrite() of m_current when its request came in
};

} // namespace Herald
