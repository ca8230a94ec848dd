#pragma once

#include "sessioninfo.h"

#include <QObject>

class QWebSocket;

namespace Herald {

// One live browser connection, owned by its worker thread. Knows its socket and
// heartbeat state; the worker decides when to ping and when to reap.
class Session : public QObject
{
    Q_OBJECT

public:
    Session(QWebSocket *socket, SessionInfo info, QObject *parent = nullptr);

    const SessionInfo &info() const { return m_info; }
    QWebSocket *socket() const { return m_socket; }

    void send(const QString &frame);
    quint64 framesSent() const { return m_framesSent; }

    // Heartbeat: ping() marks the session as owing a pong; a pong clears it.
    bool awaitingPong() const { return m_awaitingPong; }
    void ping();

private:
    QWebSocket *m_socket;
    SessionInfo m_info;
    quint64 m_framesSent = 0;
    bool m_awaitingPong = false;
};

} // namespace Herald
