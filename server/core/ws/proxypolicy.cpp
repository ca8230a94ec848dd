#include "ws/proxypolicy.h"

#include "ws/handshakerequest.h"

namespace Herald {

ForwardedFor::Result ProxyPolicy::forwarded(const QHostAddress &sender,
                                            const HandshakeRequest &request) const
{
    if (!trusts(sender))
        return {};
    return ForwardedFor::resolve(request.joinedHeader("forwarded"),
                                 request.joinedHeader("x-forwarded-for"), m_trusted);
}

} // namespace Herald
