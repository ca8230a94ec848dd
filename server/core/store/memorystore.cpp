#include "memorystore.h"

#include <QRandomGenerator>

#include <algorithm>
#include <limits>

namespace Herald {

MemoryStore::MemoryStore() : m_epoch(NotificationStore::newEpoch())
{ }

bool MemoryStore::open(QString *error)
{
    Q_UNUSED(error);
    return true;
}

bool MemoryStore::append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                         QList<AppendResult> *results, QString *error)
{
    Q_UNUSED(error); // memory cannot fail short of std::bad_alloc
    results->clear();
    results->reserve(entries.size());
    for (const AppendEntry &entry : entries)
        results->append(appendOne(entry, respond));
    return true;
}

AppendResult MemoryStore::appendOne(const AppendEntry &entry, const ResponseBuilder &respond)
{
    AppendResult result;
    if (!entry.idempotencyKey.isEmpty()) {
        const auto known = m_keys.constFind(entry.idempotencyKey);
        if (known != m_keys.cend()) {
            result.replayed = true;
            result.response = known->response;
            return result;
        }
    }
    const qint64 ts = NotificationStore::msecsOf(entry.timestamp);
    auto body = std::make_shared<const Body>(Body{entry.id, entry.event, entry.data, ts});
    result.seqs.reserve(entry.users.size());
    for (const QString &user : entry.users) {
        Stream &stream = m_streams[user];
        if (!stream.items.empty() && stream.items.back().body->ts > ts)
            stream.tsOrdered = false;
        stream.items.push_back(Item{++stream.lastSeq, body});
        result.seqs.insert(user, stream.lastSeq);
    }
    result.response = respond(entry, result.seqs);
    if (!entry.idempotencyKey.isEmpty())
        m_keys.insert(entry.idempotencyKey, Key{result.response, ts});
    return result;
}

std::deque<MemoryStore::Item>::const_iterator MemoryStore::firstAfter(const Stream &stream,
                                                                      qint64 seq)
{
    return std::upper_bound(stream.items.cbegin(), stream.items.cend(), seq,
                            [](qint64 s, const Item &item) { return s < item.seq; });
}

StoredNotification MemoryStore::toStored(const Item &item)
{
    return StoredNotification{item.seq, item.body->id, item.body->event, item.body->data,
                              QDateTime::fromMSecsSinceEpoch(item.body->ts, Qt::UTC)};
}

UserState MemoryStore::userState(const QString &user)
{
    const auto it = m_streams.constFind(user);
    if (it == m_streams.cend())
        return {};
    const Stream &stream = *it;
    UserState state;
    state.lastSeq = stream.lastSeq;
    state.readCursor = stream.readCursor;
    state.unread = stream.items.cend() - firstAfter(stream, stream.readCursor);
    state.oldestSeq = stream.items.empty() ? 0 : stream.items.front().seq;
    return state;
}

QList<StoredNotification> MemoryStore::since(const QString &user, qint64 afterSeq, int limit,
                                             QString *)
{
    QList<StoredNotification> out;
    const auto it = m_streams.constFind(user);
    if (it == m_streams.cend() || limit <= 0)
        return out;
    for (auto item = firstAfter(*it, afterSeq); item != it->items.cend() && out.size() < limit;
         ++item)
        out.append(toStored(*item));
    return out;
}

QList<StoredNotification> MemoryStore::history(const QString &user, qint64 beforeSeq,
                                               qint64 afterSeq, int limit, QString *)
{
    QList<StoredNotification> out;
    const auto it = m_streams.constFind(user);
    if (it == m_streams.cend() || limit <= 0)
        return out;
    const qint64 below = beforeSeq > 0 ? beforeSeq : std::numeric_limits<qint64>::max();
    // Walk back from the first item at or above the bound.
    auto item = firstAfter(*it, below - 1);
    while (item != it->items.cbegin() && out.size() < limit) {
        --item;
        if (item->seq <= afterSeq)
            break;
        out.append(toStored(*item));
    }
    return out;
}

bool MemoryStore::markRead(const QString &user, qint64 upTo, QString *error)
{
    Q_UNUSED(error);
    const auto it = m_streams.find(user);
    if (it != m_streams.end())
        it->readCursor = std::max(it->readCursor, std::min(upTo, it->lastSeq));
    return true;
}

QStringList MemoryStore::knownUsers()
{
    QStringList users = m_streams.keys();
    users.sort();
    return users;
}

bool MemoryStore::trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
                       QString *error)
{
    Q_UNUSED(error);
    const int keep = std::max(keepPerUser, 0);
    for (Stream &stream : m_streams)
        trimStream(stream, keep, olderThan);
    if (keysOlderThan.isValid()) {
        const qint64 limit = keysOlderThan.toMSecsSinceEpoch();
        m_keys.removeIf([limit](const auto &it) { return it.value().created < limit; });
    }
    return true;
}

void MemoryStore::trimStream(Stream &stream, int keep, const QDateTime &olderThan)
{
    auto &items = stream.items;
    while (items.size() > size_t(keep))
        items.pop_front();
    if (!olderThan.isValid())
        return;
    const qint64 limit = olderThan.toMSecsSinceEpoch();
    // Timestamps normally grow with seq, so old items sit at the front.
    while (!items.empty() && items.front().body->ts < limit)
        items.pop_front();
    if (!stream.tsOrdered)
        std::erase_if(items, [limit](const Item &item) { return item.body->ts < limit; });
    if (items.empty())
        stream.tsOrdered = true;
}

} // namespace Herald
