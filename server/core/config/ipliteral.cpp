#include "config/ipliteral.h"

namespace Herald {

std::optional<QHostAddress> IpLiteral::parse(QByteArrayView text)
{
    if (text.contains(':'))
        return parseIPv6(text);
    return parseIPv4(text);
}

std::optional<QHostAddress> IpLiteral::parseIPv4(QByteArrayView text)
{
    quint32 value = 0;
    int parts = 0;
    qsizetype i = 0;
    while (parts < 4) {
        const qsizetype start = i;
        int part = 0;
        while (i < text.size() && i - start < 3 && text[i] >= '0' && text[i] <= '9')
            part = part * 10 + (text[i++] - '0');
        const qsizetype digits = i - start;
        if (digits == 0 || part > 255 || (digits > 1 && text[start] == '0'))
            return std::nullopt;
        value = (value << 8) | quint32(part);
        if (++parts < 4 && (i >= text.size() || text[i++] != '.'))
            return std::nullopt;
    }
    if (i != text.size())
        return std::nullopt;
    return QHostAddress(value);
}

std::optional<QHostAddress> IpLiteral::parseIPv6(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 45)
        return std::nullopt;
    for (const char c : text) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex && c != ':' && c != '.')
            return std::nullopt;
    }
    const QHostAddress address(QString::fromLatin1(text.data(), text.size()));
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    // A dotted tail must itself be a strict IPv4 address.
    const qsizetype colon = text.lastIndexOf(':');
    const QByteArrayView tail = text.sliced(colon + 1);
    if (tail.contains('.') && !parseIPv4(tail))
        return std::nullopt;
    return address;
}

QHostAddress IpLiteral::unmapped(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    return mapped ? QHostAddress(v4) : address;
}

} // namespace Herald
