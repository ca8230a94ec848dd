// The public listener's first read: HandshakeRequest::parse on a request head,
// then the HandshakeGate decision (routes, methods, the token and resume
// parameters), which needs no socket.
//
// Input: one byte of options (bit 0: legacy routes), then the head. Every
// "{token}" in the head becomes a valid token for user "u1", and "{bad}" one
// signed with another secret, so the fuzzer need not forge signatures to reach
// the resume checks.

#include "fuzzcheck.h"

#include "tokensigner.h"
#include "tokenverifier.h"
#include "ws/handshakegate.h"
#include "ws/handshakerequest.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;
using Herald::GateDecision;
using Herald::HandshakeRequest;

namespace {

const QByteArray Secret = "fuzz-secret-0123456789abcdef0123456789";
const QDateTime Expiry = QDateTime::fromSecsSinceEpoch(4000000000, Qt::UTC);

void checkDecision(const GateDecision &decision, const HandshakeRequest &request, bool legacy)
{
    if (decision.upgrade) {
        HERALD_FUZZ_CHECK(request.method == "GET" && request.isWebSocketUpgrade());
        HERALD_FUZZ_CHECK(request.path == u"/ws"_s || (legacy && request.path == u"/client"_s));
        HERALD_FUZZ_CHECK(!decision.user.isEmpty());
        // Only "{token}" is signed with the secret: nothing else may open /ws.
        HERALD_FUZZ_CHECK(request.path != u"/ws"_s || decision.user == u"u1"_s);
        HERALD_FUZZ_CHECK(request.path == u"/ws"_s || decision.user.size() <= 256);
        HERALD_FUZZ_CHECK(!decision.resume || decision.resume->since >= 0);
        return;
    }
    HERALD_FUZZ_CHECK(decision.status >= 200 && decision.status < 600);
    HERALD_FUZZ_CHECK(!decision.contentType.isEmpty() && !decision.body.isEmpty());
    if (decision.status >= 400) {
        // Every refusal carries the JSON error body.
        const QJsonObject body = QJsonDocument::fromJson(decision.body).object();
        HERALD_FUZZ_CHECK(!body.value(u"error"_s).toObject().value(u"code"_s).toString().isEmpty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Herald::TokenVerifier verifier(Secret);
    static const Herald::HandshakeGate gates[2]{{verifier, false}, {verifier, true}};
    static const QByteArray token = Herald::TokenSigner(Secret).sign(u"u1"_s, Expiry);
    static const QByteArray forged = Herald::TokenSigner("another-secret").sign(u"u1"_s, Expiry);
    if (size < 1)
        return 0;
    const bool legacy = data[0] & 1;
    QByteArray head(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    head.replace("{token}", token).replace("{bad}", forged);

    const qsizetype length = HandshakeRequest::headLength(head);
    HERALD_FUZZ_CHECK(length == -1 || (length >= 4 && length <= head.size()));
    const std::optional<HandshakeRequest> request = HandshakeRequest::parse(head);
    if (!request)
        return 0;
    HERALD_FUZZ_CHECK(request->path.startsWith(u'/'));
    for (auto it = request->headers.cbegin(); it != request->headers.cend(); ++it)
        HERALD_FUZZ_CHECK(!it.key().isEmpty() && it.key() == it.key().toLower());
    checkDecision(gates[legacy].decide(*request), *request, legacy);
    return 0;
}
