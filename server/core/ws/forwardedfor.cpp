#include "ws/forwardedfor.h"

#include "config/ipliteral.h"
#include "config/trustedproxies.h"

namespace Herald {
namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && isSpace(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isSpace(text.back()))
        text.chop(1);
    return text;
}

// Splits at \a separator outside double quotes (a backslash escapes inside them); nullopt
// when a quote is left open.
std::optional<QList<QByteArrayView>> splitOutsideQuotes(QByteArrayView text, char separator)
{
    QList<QByteArrayView> parts;
    bool quoted = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (quoted && text[i] == '\\')
            ++i;
        else if (text[i] == '"')
            quoted = !quoted;
        else if (!quoted && text[i] == separator) {
            parts.append(text.sliced(start, i - start));
            start = i + 1;
        }
    }
    if (quoted)
        return std::nullopt;
    parts.append(text.sliced(start));
    return parts;
}

// A Forwarded value: a quoted-string without its quotes and escapes, or a bare token.
std::optional<QByteArray> unquoted(QByteArrayView value)
{
    if (!value.startsWith('"'))
        return value.isEmpty() || value.contains('"') || value.contains(' ')
            ? std::nullopt
            : std::optional<QByteArray>(value.toByteArray());
    if (value.size() < 2 || !value.endsWith('"'))
        return std::nullopt;
    QByteArray text;
    for (qsizetype i = 1; i < value.size() - 1; ++i)
        text += value[i] == '\\' ? value[++i] : value[i];
    return text;
}

std::optional<quint16> port(QByteArrayView digits)
{
    if (digits.isEmpty() || digits.size() > 5)
        return std::nullopt;
    quint32 value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + quint32(c - '0');
    }
    return value <= 65535 ? std::optional<quint16>(quint16(value)) : std::nullopt;
}

} // namespace

ForwardedFor::Result ForwardedFor::resolve(QByteArrayView forwarded, QByteArrayView xForwardedFor,
                                           const TrustedProxies &trusted)
{
    const bool useForwarded = !trimmed(forwarded).isEmpty();
    if (!useForwarded && trimmed(xForwardedFor).isEmpty())
        return {};
    const auto hops = useForwarded ? forwardedHops(forwarded) : xForwardedForHops(xForwardedFor);
    if (!hops)
        return {Status::Malformed, {}, 0};
    return walk(*hops, trusted);
}

ForwardedFor::Result ForwardedFor::walk(const QList<Hop> &hops, const TrustedProxies &trusted)
{
    Result result;
    for (auto hop = hops.crbegin(); hop != hops.crend() && hop->address; ++hop) {
        result = {Status::Found, IpLiteral::unmapped(*hop->address), hop->port};
        if (!trusted.contains(result.address))
            break;
    }
    return result;
}

// Elements are separated by commas, empty ones ignored (RFC 9110 5.6.1).
std::optional<QList<ForwardedFor::Hop>> ForwardedFor::forwardedHops(QByteArrayView value)
{
    const auto elements = splitOutsideQuotes(value, ',');
    if (!elements)
        return std::nullopt;
    QList<Hop> hops;
    for (const QByteArrayView element : *elements) {
        if (trimmed(element).isEmpty())
            continue;
        const auto hop = forwardedElement(trimmed(element));
        if (!hop)
            return std::nullopt;
        hops.append(*hop);
    }
    return hops;
}

// "for=...;proto=...;by=...": pairs in any order, each at most once; only for= is read.
std::optional<ForwardedFor::Hop> ForwardedFor::forwardedElement(QByteArrayView element)
{
    std::optional<Hop> hop;
    // Quotes are balanced here: the element came from a split that checked them.
    const QList<QByteArrayView> pairs
        = splitOutsideQuotes(element, ';').value_or(QList<QByteArrayView>());
    for (const QByteArrayView pair : pairs) {
        const qsizetype equals = pair.indexOf('=');
        if (equals <= 0)
            return std::nullopt;
        if (trimmed(pair.first(equals)).compare("for", Qt::CaseInsensitive) != 0)
            continue;
        const auto value = unquoted(trimmed(pair.sliced(equals + 1)));
        if (hop || !value)
            return std::nullopt;
        hop = node(*value, true);
        if (!hop)
            return std::nullopt;
    }
    return hop.value_or(Hop{});
}

std::optional<QList<ForwardedFor::Hop>> ForwardedFor::xForwardedForHops(QByteArrayView value)
{
    QList<Hop> hops;
    for (const QByteArrayView entry : value.toByteArray().split(',')) {
        const QByteArrayView text = trimmed(entry);
        if (text.isEmpty())
            continue;
        const auto hop = node(text, false);
        if (!hop || !hop->address)
            return std::nullopt;
        hops.append(*hop);
    }
    return hops;
}

// 192.0.2.1, 192.0.2.1:80, [2001:db8::1], [2001:db8::1]:80; in X-Forwarded-For also a
// bare IPv6 address. In Forwarded also "unknown" and obfuscated names and ports ("_x").
std::optional<ForwardedFor::Hop> ForwardedFor::node(QByteArrayView text, bool forwarded)
{
    if (forwarded && (text.compare("unknown", Qt::CaseInsensitive) == 0 || text.startsWith('_')))
        return Hop{};
    std::optional<QHostAddress> address;
    QByteArrayView portText;
    const qsizetype colons = text.count(':');
    if (text.startsWith('[')) {
        const qsizetype close = text.indexOf(']');
        if (close < 0 || (close + 1 < text.size() && text[close + 1] != ':'))
            return std::nullopt;
        address = IpLiteral::parseIPv6(text.sliced(1, close - 1));
        if (close + 1 < text.size() && (portText = text.sliced(close + 2)).isEmpty())
            return std::nullopt;
    } else if (colons <= 1) {
        const qsizetype colon = colons ? text.indexOf(':') : text.size();
        address = IpLiteral::parseIPv4(text.first(colon));
        if (colons && (portText = text.sliced(colon + 1)).isEmpty())
            return std::nullopt;
    } else if (!forwarded) { // RFC 7239 writes IPv6 in brackets only
        address = IpLiteral::parseIPv6(text);
    }
    if (!address)
        return std::nullopt;
    Hop hop{address, 0};
    if (portText.isEmpty() || (forwarded && portText.startsWith('_')))
        return hop;
    const auto number = port(portText);
    if (!number)
        return std::nullopt;
    hop.port = *number;
    return hop;
}

} // namespace Herald
