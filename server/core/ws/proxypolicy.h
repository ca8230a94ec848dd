#pragma once

#include "config/trustedproxies.h"
#include "ws/forwardedfor.h"

#include <QHostAddress>

namespace Herald {

struct HandshakeRequest;

// What the public listener believes about a connection's client address
// (trusted_proxies, proxy_protocol; README "Behind a proxy or load balancer").
//
// Trust goes hop by hop: a PROXY header is read from a trusted TCP peer, and the
// Forwarded / X-Forwarded-For headers are read when the address that sent the request
// head is trusted: the TCP peer, or after a PROXY header the address it gave. A layer-4
// balancer passes the client's bytes on untouched, so behind one these headers are
// whatever the client wrote, unless the client is itself a trusted proxy.
class ProxyPolicy
{
public:
    ProxyPolicy() = default;
    ProxyPolicy(TrustedProxies trusted, bool proxyProtocol)
        : m_trusted(std::move(trusted)), m_proxyProtocol(proxyProtocol)
    { }

    bool trusts(const QHostAddress &address) const { return m_trusted.contains(address); }
    // A connection from \a peer must begin with a PROXY header.
    bool expectsHeader(const QHostAddress &peer) const { return m_proxyProtocol && trusts(peer); }
    // A trusted proxy's connections carry many clients: max_handshakes_per_address does
    // not count them under its address.
    bool limitsPerAddress(const QHostAddress &client) const { return !trusts(client); }
    // The client named by \a request's headers when \a sender is trusted; Absent otherwise.
    ForwardedFor::Result forwarded(const QHostAddress &sender,
                                   const HandshakeRequest &request) const;

private:
    TrustedProxies m_trusted;
    bool m_proxyProtocol = false;
};

} // namespace Herald
