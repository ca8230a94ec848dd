#pragma once

#include "tokensigner.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <vector>

class QWebSocket;

namespace Herald {

class DeliveryTracker;

// The browser side of the benchmark: users x sessionsPerUser WebSocket clients,
// opened in batches (each batch waits for its welcome frames, so the server's
// accept queue is never flooded), whose notification frames go to the tracker.
class BenchClients : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        QUrl wsUrl; // without the token
        QByteArray secret;
        int users = 0;
        int sessionsPerUser = 0;
        int batchSize = 500;
        int batchTimeoutMs = 15000; // sockets not welcomed by then count as failed
    };

    BenchClients(Settings settings, const QElapsedTimer &clock, DeliveryTracker &tracker,
                 QObject *parent = nullptr);

    void open(); // connected() follows once every session is welcomed or failed
    void closeAll(); // closed() follows once every socket is gone

    int welcomed() const { return m_welcomed; }
    int failed() const { return m_failed; }
    int dropped() const { return m_dropped; } // closed after their welcome
    QString firstError() const { return m_firstError; }
    qint64 connectNs() const { return m_connectNs; }
    const std::vector<qint64> &handshakeNs() const { return m_handshakeNs; }

Q_SIGNALS:
    void connected();
    void closed();

private:
    enum class State { Idle, Opening, Open, Gone };

    int sessionCount() const { return m_settings.users * m_settings.sessionsPerUser; }
    QString userId(int session) const;
    void openBatch();
    void openSession(int session);
    void onMessage(int session, const QString &message);
    void onWelcome(int session);
    void onGone(int session, const QString &error);
    void settle(int session);
    void failBatch();
    void finishClosing();

    Settings m_settings;
    TokenSigner m_signer;
    const QElapsedTimer &m_clock;
    DeliveryTracker &m_tracker;
    std::vector<QWebSocket *> m_sockets;
    std::vector<State> m_states;
    std::vector<qint64> m_openedNs;
    std::vector<qint64> m_handshakeNs;
    QTimer m_batchTimer;
    int m_batchStart = 0;
    int m_next = 0; // first session of the next batch
    int m_unsettled = 0; // sessions of the current batch still opening
    int m_welcomed = 0;
    int m_failed = 0;
    int m_dropped = 0;
    int m_live = 0; // sockets not yet disconnected, while closing
    bool m_closing = false;
    qint64 m_startNs = 0;
    qint64 m_connectNs = 0;
    QString m_firstError;
};

} // namespace Herald
