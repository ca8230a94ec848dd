#include "ws/readcursors.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

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

void ReadCursors::noteUnreadFrame(const QString &user, const QString &frame)
{
    const QJsonObject unread = QJsonDocument::fromJson(frame.toUtf8()).object();
    const qint64 readUpTo = qint64(unread.value(u"read_up_to"_s).toDouble());
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
