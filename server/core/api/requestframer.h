#pragma once

#include "api/httprequesthead.h"

#include <QList>

#include <optional>

namespace Herald {

// Splits the bytes of one push-API connection into requests, in the order
// they arrive: each head is checked (HttpRequestHead) as soon as it is whole,
// and its body is counted by Content-Length, so the next head is found
// exactly where QHttpServer will look for it. Pure logic, no sockets.
class RequestFramer
{
public:
    enum class State {
        Idle, // between requests
        Head, // some of a head is in
        Body, // a body is still to come
        Done, // after a refused head or an upgrade: the rest is not HTTP
    };

    struct Output
    {
        QList<HttpRequestHead> heads; // completed in these bytes, in order
        std::optional<ApiError> error; // the first refusal; nothing after it was read
    };

    // The longest head, not counting the "\r\n\r\n" that ends it; a longer one gets 431.
    static constexpr qsizetype MaxHeadBytes = 16 * 1024;

    explicit RequestFramer(qint64 maxBodyBytes) : m_maxBodyBytes(maxBodyBytes) { }

    Output feed(QByteArrayView bytes);

    State state() const { return m_state; }
    qint64 bodyLeft() const { return m_bodyLeft; }

private:
    qsizetype feedHead(QByteArrayView bytes, Output &output);

    qint64 m_maxBodyBytes;
    State m_state = State::Idle;
    QByteArray m_head;
    qint64 m_bodyLeft = 0;
};

} // namespace Herald
