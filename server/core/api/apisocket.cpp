#include "api/apisocket.h"

namespace Herald {

namespace {
constexpr qsizetype MaxHeadBytes = 16 * 1024;
}

qint64 ApiSocket::writeData(const char *data, qint64 size)
{
    if (!m_filtering)
        return TlsSocket::writeData(data, size);
    m_head.append(data, size);
    qsizetype end = m_head.indexOf("\r\n\r\n");
    if (end < 0 && m_head.size() < MaxHeadBytes)
        return size; // the rest of the head is still to come
    end = end < 0 ? m_head.size() : end + 4;
    QByteArray filtered;
    filtered.reserve(m_head.size());
    for (const QByteArray &line : m_head.first(end).split('\n')) {
        if (!line.toLower().startsWith("access-control-"))
            filtered += line + '\n';
    }
    filtered.chop(1); // split() saw one more line than there were newlines
    filtered += m_head.sliced(end);
    m_filtering = false;
    m_head.clear();
    if (TlsSocket::writeData(filtered.constData(), filtered.size()) < 0)
        return -1;
    return size;
}

} // namespace Herald
