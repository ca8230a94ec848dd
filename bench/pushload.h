#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace Herald {

// Drives the push API: keeps `concurrency` POSTs in flight until `total` have
// been answered. QNetworkAccessManager opens at most six connections per host,
// so the load is spread over one manager per six requests in flight.
class PushLoad : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QUrl endpoint;
        QByteArray apiKey;
        int total = 0;
        int concurrency = 1;
        // Paced: each push after the first waits for release() (normally "the
        // previous push reached everyone"), or for stallMs without one.
        bool paced = false;
        int stallMs = 5000;
    };
    // The body of push seq, built just before it is sent (so it can carry the send time).
    using BodyFactory = std::function<QByteArray(int seq)>;

    PushLoad(Settings settings, const QElapsedTimer &clock, BodyFactory body,
             QObject *parent = nullptr);

    void start();
    void release();

    int acceptedCount() const { return m_accepted; }
    int failedCount() const { return m_failed; }
    QString firstError() const { return m_firstError; }
    qint64 firstSendNs() const { return m_firstSendNs; }
    qint64 lastReplyNs() const { return m_lastReplyNs; }
    const std::vector<qint64> &roundTripsNs() const { return m_roundTripsNs; }

Q_SIGNALS:
    void acknowledged(int seq, const QString &id); // the API answered 202 with this id
    void finished(); // every push has been answered

private:
    void pump();
    void send(int seq);
    void onReply(QNetworkReply *reply, int manager, int seq, qint64 sentNs);
    void fail(const QString &error);
    int idlestManager() const;

    Settings m_settings;
    const QElapsedTimer &m_clock;
    BodyFactory m_body;
    QList<QNetworkAccessManager *> m_managers;
    QList<int> m_managerLoad; // requests in flight per manager
    QTimer m_stall;
    std::vector<qint64> m_roundTripsNs;
    int m_next = 0;
    int m_inFlight = 0;
    int m_credits = 0;
    int m_accepted = 0;
    int m_failed = 0;
    qint64 m_firstSendNs = -1;
    qint64 m_lastReplyNs = 0;
    QString m_firstError;
};

} // namespace Herald
