#pragma once

#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

namespace Herald::Test {

// A browser-like WebSocket client for tests: records every frame it receives
// (as JSON) and how the connection ended.
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
    void send(const QJsonObject &frame);
    // The seqs of the notification frames received so far, in order.
    QList<qint64> seqs() const;
    QJsonObject welcome() const;
    const QList<QJsonObject> &frames() const { return m_frames; }
    QList<QJsonObject> framesOfType(const QString &type) const;
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    QString sessionId() const;

Q_SIGNALS:
    void frameReceived(const QJsonObject &frame);

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
    bool m_closed = false;
    int m_closeCode = 0;
    QString m_closeReason;
};

} // namespace Herald::Test
