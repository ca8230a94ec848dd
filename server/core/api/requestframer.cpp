#include "api/requestframer.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

RequestFramer::Output RequestFramer::feed(QByteArrayView bytes)
{
    Output output;
    qsizetype i = 0;
    while (i < bytes.size() && m_state != State::Done) {
        if (m_state == State::Body) {
            const qint64 take = std::min<qint64>(m_bodyLeft, bytes.size() - i);
            m_bodyLeft -= take;
            i += take;
            if (m_bodyLeft == 0)
                m_state = State::Idle;
        } else if (m_state == State::Idle && (bytes[i] == '\r' || bytes[i] == '\n')) {
            ++i; // blank lines between requests are allowed (RFC 9112 2.2)
        } else {
            m_state = State::Head;
            i += feedHead(bytes.sliced(i), output);
        }
    }
    return output;
}

// Returns how many of \a bytes belong to the head.
qsizetype RequestFramer::feedHead(QByteArrayView bytes, Output &output)
{
    const qsizetype before = m_head.size();
    m_head.append(bytes.first(std::min<qsizetype>(bytes.size(), MaxHeadBytes + 4 - before)));
    const qsizetype end = m_head.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
    // A bare LF would never make "\r\n\r\n": refuse it now, not at the deadline.
    for (qsizetype i = std::max<qsizetype>(before, 0); i < (end < 0 ? m_head.size() : end); ++i) {
        if (m_head[i] == '\n' && (i == 0 || m_head[i - 1] != '\r')) {
            m_state = State::Done;
            output.error = ApiError{400, u"bad_request"_s, u"Lines must end with CRLF"_s};
            return m_head.size() - before;
        }
    }
    if (end < 0) {
        // A head may be MaxHeadBytes plus its final "\r\n\r\n". Until that many bytes are
        // in, the next one can still end it: refusing earlier would make the answer depend
        // on how the bytes were cut into reads.
        if (m_head.size() >= MaxHeadBytes + 4) {
            m_state = State::Done;
            output.error
                = ApiError{431, u"headers_too_large"_s, u"The request head exceeds 16 KiB"_s};
        }
        return m_head.size() - before;
    }
    const qsizetype headLength = end + 4;
    auto parsed = HttpRequestHead::parse(QByteArrayView(m_head).first(headLength), m_maxBodyBytes);
    m_head.clear();
    if (auto *error = std::get_if<ApiError>(&parsed)) {
        m_state = State::Done;
        output.error = *error;
        return headLength - before;
    }
    auto &head = std::get<HttpRequestHead>(parsed);
    m_bodyLeft = head.contentLength;
    m_state = head.asksForUpgrade() ? State::Done : m_bodyLeft > 0 ? State::Body : State::Idle;
    output.heads.append(std::move(head));
    return headLength - before;
}

} // namespace Herald
