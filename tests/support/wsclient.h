#pragma once

#include "clientframe.h"
#include "serverframe.h"

#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

namespace Herald::Test {

// A browser-like WebSocket client for tests: records every frame it receives,
// decoded as ServerFrame, and how the connection ended. A frame that does not
// decode fails the running test.
class WsClient : public QObject
{
    Q_OBJECT

public:
    explicit WsClient(QObject *parent = nullptr);

    void open(const QUrl &url);
    void open(const QNetworkRequest &request);
    // Opens and waits for the welcome frame; false on failure or timeout.
    bool connectAndWelcome(const QUrl &url, int timeoutMs = 15000);

    QWebSocket &socket() { return m_socket; }
    void send(const ClientFrame &frame);
    // The seqs of the notification frames received so far, in order.
    QList<qint64> seqs() const;
    // The welcome frame, or a default ServerFrame (type Pong) before it came.
    ServerFrame welcome() const;
    const QList<ServerFrame> &frames() const { return m_frames; }
    QList<ServerFrame> framesOfType(ServerFrame::Type type) const;
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    QString sessionId() const;

Q_SIGNALS:
    void frameReceived(const Herald::ServerFrame &frame);

private:
    QWebSocket m_socket;
    QList<ServerFrame> m_frames;
    bool m_closed = false;
    int m_closeCode = 0;
    QString m_closeReason;
};

} // namespace Herald::Test
