#include "ws/readcursors.h"

#include <algorithm>

namespace Herald {

void ReadCursors::noteStream(const QString &user, qint64 lastSeq, qint64 readUpTo)
{
    Stream &stream = m_streams[user];
    stream.lastSeq = std::max(stream.lastSeq, lastSeq);
    stream.readUpTo = std::max(stream.readUpTo, readUpTo);
}

void ReadCursors::noteSeq(const QString &user, qint64 seq)
{
    if (const auto it = m_streams.find(user); it != m_streams.end())
        it->lastSeq = std::max(it->lastSeq, seq);
}

void ReadCursors::noteReadUpTo(const QString &user, qint64 readUpTo)
{
    if (const auto it = m_streams.find(user); it != m_streams.end())
        it->readUpTo = std::max(it->readUpTo, readUpTo);
}

bool ReadCursors::wouldMove(const QString &user, qint64 upTo) const
{
    const auto it = m_streams.constFind(user);
    return it == m_streams.cend() || std::min(upTo, it->lastSeq) > it->readUpTo;
}

void ReadCursors::forget(const QString &user)
{
    m_streams.remove(user);
}

} // namespace Herald
