#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

namespace Herald {

class ServerStats;
class Session;

// Unread frames to one worker's sessions, at most one per session per
// interval (unread_coalesce_ms): the first goes at once, the ones after it
// wait, merged into the latest, and one worker-wide timer sends them when
// their interval is over. A frame that repeats what the session has is
// dropped. Sessions keep their own part of the state (Session::offerUnread).
class UnreadCoalescer : public QObject
{
    Q_OBJECT

public:
    using Send = std::function<void(Session *session, const QString &frame)>;

    UnreadCoalescer(int intervalMs, ServerStats &stats, Send send, QObject *parent = nullptr);

    void offer(Session *session, const QString &frame);
    void forget(Session *session) { m_due.remove(session); }
    // A reload: frames held now wait for the new interval.
    void setInterval(int intervalMs);

private:
    void flush();

    int m_intervalMs;
    ServerStats &m_stats;
    Send m_send;
    QSet<Session *> m_due; // holding a frame
    QTimer m_timer;
    QElapsedTimer m_clock;
};

} // namespace Herald
