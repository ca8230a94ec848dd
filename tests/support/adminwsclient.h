#pragma once

#include <QJsonObject>
#include <QLatin1StringView>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

namespace Herald::Test {

// A client of the admin channel (/admin) for tests: records every frame it
// receives as JSON, for the tests to decode with the admin protocol's types
// (shared/admin) or to inspect field by field.
class AdminWsClient : public QObject
{
    Q_OBJECT

public:
    explicit AdminWsClient(QObject *parent = nullptr);

    void open(const QNetworkRequest &request);
    QWebSocket &socket() { return m_socket; }
    void send(const QJsonObject &frame);
    const QList<QJsonObject> &frames() const { return m_frames; }
    // The frames whose "type" is \a type (an AdminType).
    QList<QJsonObject> framesOfType(QLatin1StringView type) const;
    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
    bool m_closed = false;
    int m_closeCode = 0;
    QString m_closeReason;
};

} // namespace Herald::Test
