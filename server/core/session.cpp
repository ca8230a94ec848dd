#include "session.h"

#include <QWebSocket>

#include <algorithm>

namespace Herald {

Session::Session(QWebSocket *socket, SessionInfo info, int framesPerSecond, QObject *parent)
    : QObject(parent),
      m_socket(socket),
      m_info(std::move(info)),
      m_tokens(2.0 * framesPerSecond),
      m_ratePerMs(framesPerSecond / 1000.0),
      m_burst(2.0 * framesPerSecond)
{
    m_socket->setParent(this);
    if (!m_info.counters)
        m_info.counters = std::make_shared<SessionLiveCounters>();
    connect(m_socket, &QWebSocket::pong, this, [this] {
        m_awaitingPong = false;
        m_info.counters->lastPongMs.store(QDateTime::currentMSecsSinceEpoch(),
                                          std::memory_order_relaxed);
    });
    m_refill.start();
}

void Session::deliver(qint64 seq, const QString &frame)
{
    if (!m_live) {
        m_held.append({seq, frame});
        return;
    }
    if (seq > 0 && seq <= m_lastSeq)
        return; // already replayed
    sendNow(frame, seq);
}

void Session::sendNow(const QString &frame, qint64 seq)
{
    m_socket->sendTextMessage(frame);
    m_info.counters->framesSent.fetch_add(1, std::memory_order_relaxed);
    m_lastSeq = std::max(m_lastSeq, seq);
}

void Session::goLive(qint64 seenUpTo)
{
    m_lastSeq = std::max(m_lastSeq, seenUpTo);
    m_live = true;
    const QList<Held> held = std::exchange(m_held, {});
    for (const Held &frame : held)
        deliver(frame.seq, frame.frame);
}

qint64 Session::bufferedBytes() const
{
    return m_socket->bytesToWrite();
}

void Session::ping()
{
    m_awaitingPong = true;
    m_socket->ping();
}

bool Session::admitClientFrame()
{
    m_tokens = std::min(m_burst, m_tokens + m_refill.restart() * m_ratePerMs);
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

} // namespace Herald
