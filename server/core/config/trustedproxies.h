#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace Herald {

// The peers whose word on the client's address Herald takes (trusted_proxies): a list of
// IPv4 and IPv6 networks, each "address/prefix" or a single address. IPv4-mapped IPv6
// addresses (::ffff:10.0.0.1, as a dual-stack socket reports IPv4 peers) match the IPv4
// networks, and an IPv4-mapped network (::ffff:10.0.0.0/104) is read as the IPv4 one.
// An empty list trusts nobody.
//
// It lives in config/ because the entries are checked when the config is read; the
// public listener (ws/) asks it about each peer.
class TrustedProxies
{
public:
    // The comma- or space-separated list as configured. Returns nullopt and sets *error to
    // a sentence naming the first bad entry and what is wrong with it.
    static std::optional<TrustedProxies> parse(const QString &text, QString *error);

    bool isEmpty() const { return m_networks.isEmpty(); }
    bool contains(const QHostAddress &address) const;
    // The networks in canonical form ("10.0.0.0/8", "::1/128"), for logs and tests.
    QStringList entries() const;

private:
    QList<std::pair<QHostAddress, int>> m_networks;
};

} // namespace Herald
