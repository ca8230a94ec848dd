#include "ws/session.h"

#include "ws/clientconnection.h"
#include "ws/replay.h"

#include <QRandomGenerator>
#include <QTcpSocket>
#include <QWebSocket>

#include <algorithm>

namespace Herald {

Session::Session(QWebSocket *socket, ClientConnection *raw, SessionInfo info, Limits limits,
                 QObject *parent)
    : QObject(parent),
      m_socket(socket),
      m_raw(raw),
      m_info(std::move(info)),
      m_limits(limits),
      m_tokens(2.0 * limits.framesPerSecond),
      m_ratePerMs(limits.framesPerSecond / 1000.0),
      m_burst(2.0 * limits.framesPerSecond)
{
    // Deleted with the session, after the QWebSocket: ~QWebSocket cuts every
    // connection of the raw socket, so nothing else could be relied on to.
    m_socket->setParent(this);
    m_raw->tcp().setParent(this);
    if (!m_info.counters)
        m_info.counters = std::make_shared<SessionLiveCounters>();
    connect(m_socket, &QWebSocket::pong, this, [this](quint64, const QByteArray &payload) {
        if (!m_awaitingPong || payload != m_pingPayload)
            return;
        m_awaitingPong = false;
        m_info.counters->lastPongMs.store(QDateTime::currentMSecsSinceEpoch(),
                                          std::memory_order_relaxed);
    });
    connect(m_socket, &QWebSocket::bytesWritten, this,
            [this](qint64 bytes) { m_writtenSinceCheck += bytes; });
    m_refill.start();
}

Session::~Session() = default;

bool Session::deliver(qint64 seq, const QString &frame)
{
    if (!m_live) {
        const bool wasEmpty = queuedBytes() == 0;
        m_held.append({seq, frame});
        m_heldBytes += frame.size();
        return wasEmpty || !overBudget();
    }
    if (seq > 0 && seq <= m_lastSeq)
        return true; // already replayed
    return sendNow(frame, seq);
}

// A frame larger than the whole budget may still go out alone.
bool Session::sendNow(const QString &frame, qint64 seq)
{
    const bool wasEmpty = queuedBytes() == 0;
    m_socket->sendTextMessage(frame);
    m_info.counters->framesSent.fetch_add(1, std::memory_order_relaxed);
    m_lastSeq = std::max(m_lastSeq, seq);
    return wasEmpty || !overBudget();
}

bool Session::goLive(qint64 seenUpTo)
{
    m_lastSeq = std::max(m_lastSeq, seenUpTo);
    m_live = true;
    const QList<Held> held = std::exchange(m_held, {});
    m_heldBytes = 0;
    bool fits = true;
    for (const Held &frame : held)
        fits = deliver(frame.seq, frame.frame) && fits;
    return fits;
}

qint64 Session::queuedBytes() const
{
    return m_socket->bytesToWrite() + m_heldBytes;
}

void Session::ping()
{
    m_awaitingPong = true;
    // Unguessable, so that a client that never reads cannot answer it blind.
    const quint64 nonce = QRandomGenerator::global()->generate64() ^ ++m_pings;
    m_pingPayload = QByteArray::number(nonce, 36);
    m_socket->ping(m_pingPayload);
}

bool Session::stalledSinceLastCheck()
{
    const qint64 queued = m_socket->bytesToWrite();
    const bool stalled = queued > 0 && m_queuedAtCheck > 0 && m_writtenSinceCheck == 0;
    m_queuedAtCheck = queued;
    m_writtenSinceCheck = 0;
    return stalled;
}

bool Session::admitClientFrames(int count)
{
    m_tokens = std::min(m_burst, m_tokens + m_refill.restart() * m_ratePerMs);
    if (m_tokens < count)
        return false;
    m_tokens -= count;
    return true;
}

void Session::setReplay(std::unique_ptr<Replay> replay, QMetaObject::Connection pacing)
{
    QObject::disconnect(m_replayPacing);
    m_replay = std::move(replay);
    m_replayPacing = pacing;
}

Session::Unread Session::offerUnread(const QString &frame, qint64 nowMs, int intervalMs)
{
    if (!m_heldUnread.isEmpty()) {
        m_heldUnread = frame;
        return Unread::Merged;
    }
    if (frame == m_sentUnread)
        return Unread::Unchanged;
    if (!m_live || nowMs - m_sentUnreadAtMs < intervalMs) {
        m_heldUnread = frame;
        return Unread::Hold;
    }
    m_sentUnread = frame;
    m_sentUnreadAtMs = nowMs;
    return Unread::Send;
}

QString Session::takeDueUnread(qint64 nowMs, int intervalMs)
{
    if (m_heldUnread.isEmpty() || !m_live || nowMs - m_sentUnreadAtMs < intervalMs)
        return {};
    QString frame = std::exchange(m_heldUnread, {});
    if (frame == m_sentUnread)
        return {}; // the updates merged back into what the client has
    m_sentUnread = frame;
    m_sentUnreadAtMs = nowMs;
    return frame;
}

} // namespace Herald
