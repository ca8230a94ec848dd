#pragma once

#include <QByteArrayView>
#include <QHostAddress>

#include <optional>

namespace Herald {

// IP addresses as written by proxies and operators, read strictly. QHostAddress alone
// also takes "1.2.3" (as 1.2.0.3), "0x1.2.3.4" and "01.2.3.4", forms that no proxy
// writes and that would let a forwarded value name an address other than it shows.
class IpLiteral
{
public:
    // Dotted-quad IPv4 (four decimal parts 0-255, no leading zeros) or IPv6 text without
    // a zone ("%eth0"); nullopt for anything else, surrounding spaces included.
    static std::optional<QHostAddress> parse(QByteArrayView text);
    // Only the dotted-quad form.
    static std::optional<QHostAddress> parseIPv4(QByteArrayView text);
    // Only the IPv6 form (IPv4-mapped ones such as ::ffff:1.2.3.4 included, unconverted).
    static std::optional<QHostAddress> parseIPv6(QByteArrayView text);
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports IPv4
    // peers) as the IPv4 address it maps; any other address unchanged.
    static QHostAddress unmapped(const QHostAddress &address);
};

} // namespace Herald
