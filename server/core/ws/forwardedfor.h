#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QList>

#include <optional>

namespace Herald {

class TrustedProxies;

// The client address that a trusted reverse proxy reports in the request head:
// Forwarded (RFC 7239: for=192.0.2.60, for="[2001:db8::1]:4711") when present, else
// X-Forwarded-For (192.0.2.60, 2001:db8::1, also with ":port" or "[v6]:port").
//
// Each proxy appends the address it got the request from, so the list is read from the
// right, passing over addresses that are themselves trusted proxies (nginx's
// real_ip_recursive): the first untrusted one is the client. When every address is
// trusted, the leftmost is. An entry that names no address (Forwarded's "unknown",
// obfuscated "_hidden", an element without for=) ends the walk where it stands: the
// proxy beyond it did not say who sent the request.
//
// Pure: it never looks at sockets. The caller asks only when its peer is trusted.
class ForwardedFor
{
public:
    enum class Status {
        Absent, // neither header, or they name no client beyond the trusted proxies
        Found,
        Malformed, // a value that is not the header's syntax, or not an IP address
    };
    struct Result
    {
        Status status = Status::Absent;
        QHostAddress address; // Found: IPv4-mapped IPv6 addresses as IPv4
        quint16 port = 0; // Found: the client's port if the header had one, else 0
    };

    // \a forwarded and \a xForwardedFor are the headers' values with every line of each
    // joined by commas, empty when absent. A present Forwarded header is the only one
    // read: X-Forwarded-For then is ignored.
    static Result resolve(QByteArrayView forwarded, QByteArrayView xForwardedFor,
                          const TrustedProxies &trusted);

private:
    struct Hop
    {
        std::optional<QHostAddress> address; // nullopt: "unknown", obfuscated or not given
        quint16 port = 0;
    };

    static std::optional<QList<Hop>> forwardedHops(QByteArrayView value);
    static std::optional<Hop> forwardedElement(QByteArrayView element);
    static std::optional<QList<Hop>> xForwardedForHops(QByteArrayView value);
    static std::optional<Hop> node(QByteArrayView text, bool forwarded);
    static Result walk(const QList<Hop> &hops, const TrustedProxies &trusted);
};

} // namespace Herald
