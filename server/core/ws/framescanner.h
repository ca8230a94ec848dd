#pragma once

#include <QByteArrayView>

#include <array>

namespace Herald {

// Follows the frame headers in the bytes a WebSocket client sends, without
// keeping any payload: it counts frames of every kind (QtWebSockets answers
// pings by itself and reports none of them) and notices unmasked ones,
// which RFC 6455 5.1 makes the server fail. Fed in stream order, in pieces
// of any size.
class FrameScanner
{
public:
    struct Tally
    {
        int frames = 0; // headers completed by the bytes scanned
        bool unmasked = false;
    };

    // Bytes before the first frame (the HTTP request head) to pass over.
    void skip(qint64 bytes) { m_blind += bytes; }
    // Bytes that scan() would pass over without looking: the rest of the
    // current payload. passBlind() accounts for them without reading them.
    qint64 blind() const { return m_blind; }
    void passBlind(qint64 bytes) { m_blind -= bytes; }
    Tally scan(QByteArrayView bytes);

    // How many scanned bytes of the frame in progress a reader that takes a
    // header part only once complete, and a payload only once whole (as
    // QtWebSockets 6.4 does), can still have left unread: an upper bound.
    qint64 unreadBound() const;

private:
    qsizetype headerLength() const; // -1 until its first two bytes are in
    void finishHeader(Tally &tally);

    qint64 m_blind = 0;
    qint64 m_payload = 0; // length of the payload being passed over
    std::array<quint8, 14> m_header{};
    qsizetype m_have = 0;
};

} // namespace Herald
