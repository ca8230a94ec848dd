#include "deliverytracker.h"

#include <algorithm>

namespace Herald {

DeliveryTracker::DeliveryTracker(const QElapsedTimer &clock, int users, int sessionsPerUser,
                                 QObject *parent)
    : QObject(parent),
      m_clock(clock),
      m_sessionsPerUser(sessionsPerUser),
      m_online(size_t(users) * size_t(sessionsPerUser), false),
      m_receipts(m_online.size())
{ }

void DeliveryTracker::markOnline(int session)
{
    if (!m_online[size_t(session)])
        ++m_onlineCount;
    m_online[size_t(session)] = true;
}

void DeliveryTracker::expect(int seq, const QList<int> &users, qint64 sentNs)
{
    Push push;
    push.users.assign(users.cbegin(), users.cend());
    std::sort(push.users.begin(), push.users.end());
    push.sentNs = sentNs;
    push.owed = int(sessionsOwed(push).size());
    m_pushes.insert(seq, push);
}

void DeliveryTracker::acknowledge(int seq, const QString &id)
{
    const auto it = m_pushes.find(seq);
    if (it == m_pushes.end())
        return;
    it->id = id;
    if (it->received < it->owed)
        ++m_incomplete;
    else if (it->owed == 0)
        Q_EMIT pushDelivered(seq); // nobody to wait for
}

void DeliveryTracker::record(int session, const QString &id, int seq, qint64 sentNs)
{
    const qint64 now = m_clock.nsecsElapsed();
    ++m_framesReceived;
    m_lastReceiptNs = now;
    if (++m_receipts[size_t(session)][id] != 1)
        return; // a duplicate: verify() counts it
    const auto it = m_pushes.find(seq);
    if (it == m_pushes.end() || !owes(*it, session))
        return;
    m_latenciesNs.push_back(now - sentNs);
    it->lastNs = now;
    if (++it->received != it->owed)
        return;
    if (!it->id.isEmpty())
        --m_incomplete;
    Q_EMIT pushDelivered(seq);
}

bool DeliveryTracker::owes(const Push &push, int session) const
{
    if (!m_online[size_t(session)])
        return false;
    return push.users.empty()
        || std::binary_search(push.users.cbegin(), push.users.cend(), session / m_sessionsPerUser);
}

QList<int> DeliveryTracker::sessionsOwed(const Push &push) const
{
    QList<int> sessions;
    if (push.users.empty()) {
        for (size_t s = 0; s < m_online.size(); ++s) {
            if (m_online[s])
                sessions.append(int(s));
        }
        return sessions;
    }
    for (int user : push.users) {
        for (int s = user * m_sessionsPerUser; s < (user + 1) * m_sessionsPerUser; ++s) {
            if (m_online[size_t(s)])
                sessions.append(s);
        }
    }
    return sessions;
}

std::vector<qint64> DeliveryTracker::fanoutTimesNs() const
{
    std::vector<qint64> times;
    for (const Push &push : m_pushes) {
        if (!push.id.isEmpty() && push.owed > 0 && push.received == push.owed)
            times.push_back(push.lastNs - push.sentNs);
    }
    return times;
}

DeliveryVerdict DeliveryTracker::verify() const
{
    DeliveryVerdict verdict;
    qint64 matched = 0; // every copy of an expected delivery
    for (const Push &push : m_pushes) {
        if (push.id.isEmpty())
            continue; // the API refused it; PushLoad counts the failure
        for (int session : sessionsOwed(push)) {
            const int copies = m_receipts[size_t(session)].value(push.id);
            ++verdict.expected;
            matched += copies;
            if (copies == 0)
                ++verdict.lost;
            else
                verdict.duplicated += copies - 1;
        }
    }
    verdict.delivered = verdict.expected - verdict.lost;
    verdict.unexpected = m_framesReceived - matched;
    return verdict;
}

} // namespace Herald
