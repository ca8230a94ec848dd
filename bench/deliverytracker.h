#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <vector>

namespace Herald {

// Counts of a finished run, checked push by push and session by session.
struct DeliveryVerdict
{
    qint64 expected = 0; // deliveries owed for the pushes the API accepted
    qint64 delivered = 0; // expected deliveries seen at least once
    qint64 lost = 0; // expected deliveries never seen
    qint64 duplicated = 0; // extra copies of a notification on one session
    qint64 unexpected = 0; // frames whose id no accepted push returned

    bool passed() const { return lost == 0 && duplicated == 0 && unexpected == 0; }
};

// Remembers which sessions each push is owed to and which notification ids each
// session received, and times every delivery. Session s belongs to user
// s / sessionsPerUser; only sessions marked online when a push is sent are
// owed it.
class DeliveryTracker : public QObject
{
    Q_OBJECT

public:
    DeliveryTracker(const QElapsedTimer &clock, int users, int sessionsPerUser,
                    QObject *parent = nullptr);

    // The session got its welcome frame: from now on it is owed deliveries, even
    // if it drops later (what it then misses counts as lost).
    void markOnline(int session);
    int onlineSessions() const { return m_onlineCount; }

    // A push about to be sent at sentNs; empty users means a broadcast.
    void expect(int seq, const QList<int> &users, qint64 sentNs);
    // The API accepted push seq and named it id.
    void acknowledge(int seq, const QString &id);
    // Session received notification id whose data carried seq and sent_ns.
    void record(int session, const QString &id, int seq, qint64 sentNs);

    qint64 framesReceived() const { return m_framesReceived; }
    qint64 lastReceiptNs() const { return m_lastReceiptNs; }
    // True once every acknowledged push has reached every session it is owed to.
    bool complete() const { return m_incomplete == 0; }
    const std::vector<qint64> &latenciesNs() const { return m_latenciesNs; }
    // Per push that reached all its sessions: last receipt minus send time.
    std::vector<qint64> fanoutTimesNs() const;
    DeliveryVerdict verify() const;

Q_SIGNALS:
    // Every session owed push seq has it (emitted once per push).
    void pushDelivered(int seq);

private:
    struct Push
    {
        std::vector<int> users; // sorted; empty: broadcast
        qint64 sentNs = 0;
        qint64 lastNs = 0;
        int owed = 0;
        int received = 0;
        QString id; // empty until acknowledged
    };

    bool owes(const Push &push, int session) const;
    QList<int> sessionsOwed(const Push &push) const;

    const QElapsedTimer &m_clock;
    int m_sessionsPerUser;
    std::vector<bool> m_online;
    int m_onlineCount = 0;
    QHash<int, Push> m_pushes;
    std::vector<QHash<QString, int>> m_receipts; // per session: id -> copies
    std::vector<qint64> m_latenciesNs;
    qint64 m_framesReceived = 0;
    qint64 m_lastReceiptNs = 0;
    int m_incomplete = 0; // acknowledged pushes still owed to some session
};

} // namespace Herald
