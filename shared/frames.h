#pragma once

#include <QString>

namespace Herald::Frames {

/*!
    Where a user's stream stands, as the welcome frame reports it.
*/
struct StreamPosition
{
    QString epoch;
    qint64 seq = 0; //!< the user's latest seq
    qint64 unread = 0;
    qint64 readUpTo = 0;
};

/*!
    The server's first frame on a new session:
    {"type":"welcome","session":...,"user":...,"heartbeat_s":...,"seq":...,
    "epoch":...,"unread":...,"read_up_to":...}. heartbeat_s is a whole number
    unless the interval is sub-second.
*/
QString welcome(const QString &sessionId, const QString &user, int heartbeatMs,
                const StreamPosition &position);

//! The length of \a frame in UTF-8, as it goes on the wire, without converting it.
qsizetype utf8Length(QStringView frame);

//! \a notificationFrame (a JSON object's text) with "seq" added as its first member.
QString withSeq(const QString &notificationFrame, qint64 seq);

//! {"type":"resumed","ok":true,"seq":N} or, when the gap cannot be covered,
//! {"type":"resumed","ok":false,"seq":N,"epoch":...}.
QString resumed(bool ok, qint64 seq, const QString &epoch);

//! {"type":"unread","count":N,"read_up_to":S}
QString unread(qint64 count, qint64 readUpTo);

//! {"type":"error","code":...,"message":...}
QString error(const QString &code, const QString &message);

//! {"type":"pong"}: the answer to a client's application-level {"type":"ping"}.
QString pong();

} // namespace Herald::Frames
