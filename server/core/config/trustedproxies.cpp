#include "config/trustedproxies.h"

#include "config/ipliteral.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

// "address" or "address/prefix"; the address strict, the prefix decimal and in range.
// Host bits set below the prefix (10.1.2.3/8) are cleared, as Qt's parseSubnet does.
std::optional<std::pair<QHostAddress, int>> parseNetwork(const QString &text, QString *why)
{
    const qsizetype slash = text.indexOf(u'/');
    const auto address = IpLiteral::parse(text.left(slash < 0 ? text.size() : slash).toLatin1());
    if (!address) {
        *why = u"is not an IP address or network: expected e.g. 10.0.0.0/8, 192.0.2.7 or "
               u"2001:db8::/32"_s;
        return std::nullopt;
    }
    const int bits = address->protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
    int prefix = bits;
    if (slash >= 0) {
        static const QRegularExpression decimal(u"^(0|[1-9][0-9]{0,2})$"_s);
        const QString digits = text.mid(slash + 1);
        prefix = decimal.match(digits).hasMatch() ? digits.toInt() : -1;
        if (prefix < 0 || prefix > bits) {
            *why
                = u"has prefix length '%1': expected a number from 0 to %2"_s.arg(digits).arg(bits);
            return std::nullopt;
        }
    }
    auto network = QHostAddress::parseSubnet(address->toString() + u'/' + QString::number(prefix));
    // ::ffff:a.b.c.d/96+n is the IPv4 network a.b.c.d/n: peers are matched unmapped.
    const QHostAddress unmapped = IpLiteral::unmapped(network.first);
    if (unmapped.protocol() == QAbstractSocket::IPv4Protocol && bits == 128 && prefix >= 96)
        network = {unmapped, prefix - 96};
    return network;
}

} // namespace

std::optional<TrustedProxies> TrustedProxies::parse(const QString &text, QString *error)
{
    static const QRegularExpression separators(u"[,\\s]+"_s);
    TrustedProxies proxies;
    for (const QString &entry : text.split(separators, Qt::SkipEmptyParts)) {
        QString why;
        const auto network = parseNetwork(entry, &why);
        if (!network) {
            *error = u"'%1' %2"_s.arg(entry, why);
            return std::nullopt;
        }
        proxies.m_networks.append(*network);
    }
    return proxies;
}

bool TrustedProxies::contains(const QHostAddress &address) const
{
    const QHostAddress peer = IpLiteral::unmapped(address);
    return std::any_of(m_networks.cbegin(), m_networks.cend(),
                       [&peer](const auto &network) { return peer.isInSubnet(network); });
}

QStringList TrustedProxies::entries() const
{
    QStringList list;
    for (const auto &[address, prefix] : m_networks)
        list.append(address.toString() + u'/' + QString::number(prefix));
    return list;
}

} // namespace Herald
