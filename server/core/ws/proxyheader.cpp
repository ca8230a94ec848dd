#include "ws/proxyheader.h"

#include "config/ipliteral.h"

#include <QList>
#include <QtEndian>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr QByteArrayView V1Prefix = "PROXY ";
constexpr std::array<char, 12> V2Signature{'\r', '\n', '\r', '\n', '\0', '\r',
                                           '\n', 'Q',  'U',  'I',  'T',  '\n'};
constexpr qsizetype V2FixedBytes = 16;

enum V2Command : quint8 { Local = 0x0, Proxy = 0x1 };
enum V2Family : quint8 { Unspec = 0x0, Inet = 0x1, Inet6 = 0x2 };
constexpr quint8 V2Stream = 0x1;

// The first \a n bytes of \a received equal those of \a expected (n: as many as both have).
bool startsLike(QByteArrayView received, QByteArrayView expected)
{
    const qsizetype n = std::min(received.size(), expected.size());
    return received.first(n) == expected.first(n);
}

// Decimal 0-65535 without sign or leading zeros.
std::optional<quint16> parsePort(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 5 || (text.size() > 1 && text.front() == '0'))
        return std::nullopt;
    quint32 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + quint32(c - '0');
    }
    return value <= 65535 ? std::optional<quint16>(quint16(value)) : std::nullopt;
}

quint16 bigEndian16(QByteArrayView bytes, qsizetype at)
{
    return quint16((quint8(bytes[at]) << 8) | quint8(bytes[at + 1]));
}

} // namespace

ProxyHeader::Result ProxyHeader::parse(QByteArrayView received)
{
    if (received.isEmpty())
        return {};
    if (received.front() == V2Signature.front())
        return parseV2(received);
    return parseV1(received);
}

ProxyHeader::Result ProxyHeader::invalid(const QString &reason)
{
    Result result;
    result.status = Status::Invalid;
    result.reason = reason;
    return result;
}

ProxyHeader::Result ProxyHeader::parseV1(QByteArrayView received)
{
    if (!startsLike(received, V1Prefix))
        return invalid(u"no PROXY header"_s);
    const QByteArrayView window = received.first(std::min(received.size(), MaxV1Bytes));
    const qsizetype lf = window.indexOf('\n');
    if (lf < 0) {
        if (window.size() >= MaxV1Bytes)
            return invalid(u"v1 header longer than 107 bytes"_s);
        return {};
    }
    if (lf == 0 || window[lf - 1] != '\r')
        return invalid(u"v1 header not ended by CRLF"_s);
    return parseV1Line(window.first(lf - 1), lf + 1);
}

// "PROXY TCP4 <src> <dst> <sport> <dport>", single spaces; UNKNOWN ignores the rest.
ProxyHeader::Result ProxyHeader::parseV1Line(QByteArrayView line, qsizetype consumed)
{
    const QList<QByteArray> parts = line.toByteArray().split(' ');
    Result done;
    done.status = Status::Done;
    done.consumed = consumed;
    if (parts.value(1) == "UNKNOWN")
        return done;
    const bool v4 = parts.value(1) == "TCP4";
    if (!v4 && parts.value(1) != "TCP6")
        return invalid(u"v1 protocol is not TCP4, TCP6 or UNKNOWN"_s);
    if (parts.size() != 6)
        return invalid(u"v1 header does not have 6 fields separated by single spaces"_s);
    const auto parse = v4 ? &IpLiteral::parseIPv4 : &IpLiteral::parseIPv6;
    done.source = parse(parts[2]);
    const auto sourcePort = parsePort(parts[4]);
    if (!done.source || !parse(parts[3]))
        return invalid(v4 ? u"v1 TCP4 address is not dotted-quad IPv4"_s
                          : u"v1 TCP6 address is not IPv6"_s);
    if (!sourcePort || !parsePort(parts[5]))
        return invalid(u"v1 port is not a number from 0 to 65535"_s);
    done.sourcePort = *sourcePort;
    return done;
}

ProxyHeader::Result ProxyHeader::parseV2(QByteArrayView received)
{
    const QByteArrayView signature(V2Signature.data(), qsizetype(V2Signature.size()));
    if (!startsLike(received, signature))
        return invalid(u"no PROXY header (v2 signature broken)"_s);
    if (received.size() < V2FixedBytes)
        return {};
    const quint8 versionCommand = quint8(received[12]);
    const quint8 command = versionCommand & 0x0f;
    if (versionCommand >> 4 != 2)
        return invalid(u"v2 header of version %1"_s.arg(versionCommand >> 4));
    if (command != Local && command != Proxy)
        return invalid(u"v2 command %1 is neither LOCAL nor PROXY"_s.arg(command));
    const qsizetype length = V2FixedBytes + bigEndian16(received, 14);
    if (length > MaxV2Bytes)
        return invalid(u"v2 header of %1 bytes, over %2"_s.arg(length).arg(MaxV2Bytes));
    if (received.size() < length)
        return {};

    Result done;
    done.status = Status::Done;
    done.consumed = length;
    const quint8 family = quint8(received[13]) >> 4;
    const quint8 transport = quint8(received[13]) & 0x0f;
    if (command == Local || family == Unspec)
        return done;
    if ((family != Inet && family != Inet6) || transport != V2Stream)
        return invalid(u"v2 family/transport 0x%1 is not TCP over IPv4 or IPv6"_s.arg(
            uint(quint8(received[13])), 2, 16, QChar(u'0')));
    const qsizetype addressBytes = family == Inet ? 4 : 16;
    if (length < V2FixedBytes + 2 * addressBytes + 4)
        return invalid(u"v2 address block too short for its family"_s);
    const auto *source = reinterpret_cast<const quint8 *>(received.data() + V2FixedBytes);
    done.source
        = family == Inet ? QHostAddress(qFromBigEndian<quint32>(source)) : QHostAddress(source);
    done.sourcePort = bigEndian16(received, V2FixedBytes + 2 * addressBytes);
    return done;
}

} // namespace Herald
