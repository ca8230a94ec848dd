// The first bytes a trusted proxy sends: ProxyHeader::parse (PROXY protocol v1 and
// v2), called as the listener calls it, on everything received so far. Then the
// Forwarded / X-Forwarded-For walk on the same bytes.
//
// Input: the bytes of a connection. For the second part, the input split at its first
// "\n": a Forwarded value, then an X-Forwarded-For value.

#include "fuzzcheck.h"

#include "config/trustedproxies.h"
#include "ws/forwardedfor.h"
#include "ws/proxyheader.h"

using Herald::ForwardedFor;
using Herald::ProxyHeader;
using Status = ProxyHeader::Status;

namespace {

bool sameResult(const ProxyHeader::Result &a, const ProxyHeader::Result &b)
{
    return a.status == b.status && a.consumed == b.consumed && a.source == b.source
        && a.sourcePort == b.sourcePort;
}

void checkHeader(QByteArrayView bytes)
{
    const ProxyHeader::Result result = ProxyHeader::parse(bytes);
    const qsizetype limit = !bytes.isEmpty() && bytes.front() == 'P' ? ProxyHeader::MaxV1Bytes
                                                                     : ProxyHeader::MaxV2Bytes;
    switch (result.status) {
    case Status::NeedMore:
        // Bounded: a header never needs more than its limit.
        HERALD_FUZZ_CHECK(bytes.size() < limit && result.consumed == 0 && !result.source);
        break;
    case Status::Invalid:
        HERALD_FUZZ_CHECK(!result.reason.isEmpty() && result.consumed == 0 && !result.source);
        // More bytes never make it valid.
        HERALD_FUZZ_CHECK(ProxyHeader::parse(bytes.toByteArray() + "\r\n").status
                          == Status::Invalid);
        break;
    case Status::Done:
        HERALD_FUZZ_CHECK(result.consumed > 0 && result.consumed <= bytes.size()
                          && result.consumed <= limit);
        HERALD_FUZZ_CHECK(!result.source || !result.source->isNull());
        // Incremental: the header alone gives the same, and one byte less is not enough.
        HERALD_FUZZ_CHECK(sameResult(ProxyHeader::parse(bytes.first(result.consumed)), result));
        HERALD_FUZZ_CHECK(ProxyHeader::parse(bytes.first(result.consumed - 1)).status
                          == Status::NeedMore);
        break;
    }
}

void checkForwarded(QByteArrayView bytes)
{
    static const Herald::TrustedProxies trusted = [] {
        QString error;
        return *Herald::TrustedProxies::parse(QStringLiteral("10.0.0.0/8, ::1, 2001:db8::/32"),
                                              &error);
    }();
    const qsizetype newline = bytes.indexOf('\n');
    const QByteArrayView forwarded = newline < 0 ? bytes : bytes.first(newline);
    const QByteArrayView xff = newline < 0 ? QByteArrayView() : bytes.sliced(newline + 1);
    const ForwardedFor::Result result = ForwardedFor::resolve(forwarded, xff, trusted);
    if (result.status != ForwardedFor::Status::Found) {
        HERALD_FUZZ_CHECK(result.port == 0);
        return;
    }
    // An address, never IPv4-mapped (peers and limits see IPv4 as IPv4).
    HERALD_FUZZ_CHECK(!result.address.isNull());
    bool mapped = false;
    if (result.address.protocol() == QAbstractSocket::IPv6Protocol)
        result.address.toIPv4Address(&mapped);
    HERALD_FUZZ_CHECK(!mapped);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    checkHeader(bytes);
    checkForwarded(bytes);
    return 0;
}
