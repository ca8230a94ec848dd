#pragma once

#include "frames.h"
#include "notification.h"

#include <QString>

#include <optional>

namespace Herald {

/*!
    A JSON text frame the server sends on a browser session, decoded: what
    herald.js reads, typed for the tests and tools written in C++. toText()
    encodes with the server's own encoders (Frames, Notification), so that a
    round trip checks the two against each other.

    One struct for every type: the fields a type does not carry stay at their
    defaults.
*/
struct ServerFrame
{
    enum class Type { Welcome, Notification, Resumed, Unread, Error, Pong };

    Type type = Type::Pong;
    // welcome
    QString session;
    QString user;
    double heartbeatSeconds = 0;
    //! welcome: the user's stream (seq, epoch, unread, read_up_to)
    Frames::StreamPosition position;
    //! notification: its seq, 0 for a broadcast (which carries none)
    qint64 seq = 0;
    Notification notification; //!< notification: id, event, data, ts
    // resumed: ok, and seq (where the replay ended); epoch when not ok
    bool ok = false;
    QString epoch;
    // unread
    qint64 count = 0;
    qint64 readUpTo = 0;
    // error
    QString code;
    QString message;

    /*!
        Decodes one frame. Returns nullopt and sets *\a error unless \a text is
        a JSON object of a known type whose fields have the protocol's types:
        whole numbers for seqs and counts, strings for ids, an RFC 3339 "ts".
        Optional fields (a notification's "event" and "seq", a resumed frame's
        "epoch") may be absent; unknown members are ignored.
    */
    static std::optional<ServerFrame> parse(const QString &text, QString *error = nullptr);
    //! The frame as the server sends it.
    QString toText() const;

    bool operator==(const ServerFrame &other) const;
};

} // namespace Herald
