#include "ws/framescanner.h"

#include <algorithm>
#include <limits>

namespace Herald {

FrameScanner::Tally FrameScanner::scan(QByteArrayView bytes)
{
    Tally tally;
    qsizetype i = 0;
    while (i < bytes.size()) {
        if (m_blind > 0) {
            const qint64 pass = std::min<qint64>(m_blind, bytes.size() - i);
            m_blind -= pass;
            i += qsizetype(pass);
            continue;
        }
        m_header[size_t(m_have++)] = quint8(bytes[i++]);
        if (m_have == headerLength())
            finishHeader(tally);
    }
    return tally;
}

qint64 FrameScanner::unreadBound() const
{
    if (m_have > 0)
        return m_have;
    return m_blind > 0 ? std::max<qint64>(0, m_payload - m_blind) : 0;
}

qsizetype FrameScanner::headerLength() const
{
    if (m_have < 2)
        return -1;
    const quint8 length = m_header[1] & 0x7f;
    const qsizetype extended = length == 126 ? 2 : length == 127 ? 8 : 0;
    const qsizetype mask = (m_header[1] & 0x80) ? 4 : 0;
    return 2 + extended + mask;
}

void FrameScanner::finishHeader(Tally &tally)
{
    ++tally.frames;
    if (!(m_header[1] & 0x80))
        tally.unmasked = true;
    quint64 length = m_header[1] & 0x7f;
    if (length >= 126) {
        const size_t bytes = length == 126 ? 2 : 8;
        length = 0;
        for (size_t i = 0; i < bytes; ++i)
            length = (length << 8) | m_header[2 + i];
    }
    // A length with the top bit set is invalid; QtWebSockets closes on it.
    m_payload = qint64(std::min<quint64>(length, std::numeric_limits<qint64>::max()));
    m_blind = m_payload;
    m_have = 0;
}

} // namespace Herald
