#pragma once

#include <QHash>
#include <QString>

namespace Herald {

// What a worker knows of its users' streams: the read cursor and the latest
// seq, from welcome positions, delivered notifications and unread frames.
// Both only grow, so a read frame at or below what is known here cannot
// move the cursor and need not reach the store (or any session).
class ReadCursors
{
public:
    void noteStream(const QString &user, qint64 lastSeq, qint64 readUpTo);
    void noteSeq(const QString &user, qint64 seq);
    // The store moved the user's read cursor to \a readUpTo.
    void noteReadUpTo(const QString &user, qint64 readUpTo);
    // False when moving the cursor to \a upTo (clamped to the latest seq)
    // would leave it where it is.
    bool wouldMove(const QString &user, qint64 upTo) const;
    void forget(const QString &user);

private:
    struct Stream
    {
        qint64 lastSeq = 0;
        qint64 readUpTo = 0;
    };
    QHash<QString, Stream> m_streams;
};

} // namespace Herald
