#pragma once

#include "acceptloop.h"
#include "api/requestframer.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

#include <functional>

class QSocketNotifier;
class QTcpSocket;

namespace Herald {

class ApiSocket;
class ServerStats;
class TlsContext;

// The push API's listening socket, handed to QHttpServer with bind(). Adds
// what QHttpServer 6.4 lacks. Every byte a client sends passes a
// RequestFramer here before QHttpServer reads it, so:
//  - each request head is checked strictly (no smuggling: duplicate or bad
//    Content-Length, Transfer-Encoding, other HTTP versions, malformed lines)
//    and a bad one is answered here and the connection closed;
//  - a head must be whole within the head timeout and a body must arrive
//    within the head timeout plus its length at the minimum rate (slowloris):
//    408, then close; a connection idle between requests is closed silently;
//  - Content-Length over the body limit is refused with 413 before any body;
//  - Expect: 100-continue gets its 100 here;
//  - a connection reaches QHttpServer only once its first head was checked.
//    When that request asks for an upgrade on the upgrade path, it goes to the
//    upgrade handler instead (the admin channel): QHttpServer 6.4 would switch
//    any upgrade request to its own WebSocket server whatever its route
//    answered. Nothing listens to that server, so upgrade requests on other
//    paths, or later on a kept-alive connection, are never switched.
class ApiTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    struct Limits
    {
        int idleTimeoutMs = 60000;
        int headTimeoutMs = 10000;
        qint64 minBodyBytesPerSecond = 65536;
        qint64 maxBodyBytes = 1 << 20;
    };

    // Gets a connection whose first request asks for an upgrade on the
    // upgrade path, with that request's head (still unread in the socket). It
    // owns the socket from then on: it answers it or switches it.
    using UpgradeHandler = std::function<void(ApiSocket *, const HttpRequestHead &)>;

    ApiTcpServer(const Limits &limits, ServerStats &stats, QObject *parent = nullptr);

    // https://: a connection whose first byte opens a TLS record is encrypted
    // with \a tls (re-read for each one); any other is answered 400
    // tls_required in plain HTTP. Call before start().
    void requireTls(const TlsContext &tls) { m_tls = &tls; }

    // Listens, and accepts with an AcceptLoop instead of QTcpServer's own loop.
    bool start(const QHostAddress &address, quint16 port);
    // Stops listening (the AcceptLoop's descriptor too); open connections stay.
    void stop();
    // A reload: timeouts apply to the next deadline each connection gets; the body limit to
    // connections accepted from now on.
    void setLimits(const Limits &limits);
    // QTcpServer's turns its own accept loop back on each time: turned off again.
    QTcpSocket *nextPendingConnection() override;

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
    // Writes a refusal and closes the connection, discarding what the client
    // still sends so that the answer is not lost to a reset.
    static void refuse(QTcpSocket *socket, const QByteArray &answer);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Guard
    {
        explicit Guard(qint64 maxBodyBytes = 0) : framer(maxBodyBytes) { }
        RequestFramer framer;
        QDeadlineTimer deadline;
        qint64 scanned = 0; // bytes still unread in the socket that the framer has seen
        bool http = false; // handed to QHttpServer
    };

    static int sweepIntervalMs(const Limits &limits);
    void acceptPaused(int error);
    void sniffTls(qintptr descriptor);
    void onFirstBytes(qintptr descriptor);
    ApiSocket *open(qintptr descriptor);
    void onReadyRead(ApiSocket *socket);
    void afterHttpRead(QTcpSocket *socket);
    bool scan(ApiSocket *socket, Guard &guard);
    void firstHead(ApiSocket *socket, const HttpRequestHead &head);
    void handToHttp(ApiSocket *socket);
    void setDeadline(Guard &guard, RequestFramer::State before, bool headsDone);
    void reject(QTcpSocket *socket, const ApiError &error);
    void forget(QTcpSocket *socket);
    void sweep();

    Limits m_limits;
    ServerStats &m_stats;
    QString m_upgradePath;
    UpgradeHandler m_upgradeHandler;
    QHash<QTcpSocket *, Guard> m_guards;
    const TlsContext *m_tls = nullptr;
    // Connections whose first byte has not come yet (with TLS), and their deadlines.
    QHash<qintptr, std::pair<QSocketNotifier *, QDeadlineTimer>> m_sniffing;
    QTimer m_sweep;
    AcceptLoop m_accepting;
    QTcpSocket *m_current = nullptr;
    qint64 m_currentQueuedBytes = 0; // bytesToWrite() of m_current when its request came in
};

} // namespace Herald
