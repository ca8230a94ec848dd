// Browser tokens: TokenVerifier::verify with a fixed secret, on raw bytes and
// on tokens signed with that secret around fuzzed JSON, so that the header
// checks and the claims parser are reached, not only the signature check.
//
// Input: a first line "<mode> [<leeway s> [<now s>]]", then the token (mode 0),
// the header and the payload on separate lines (mode 1), the payload under a
// valid header (mode 2) or the header over valid claims (mode 3). The clock
// defaults to 2028-08-16; the secret is fixed.

#include "fuzzcheck.h"

#include "tokensigner.h"
#include "tokenverifier.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;
using Herald::TokenClaims;
using Herald::TokenError;
using Herald::TokenVerifier;

namespace {

const QByteArray Secret = "fuzz-secret-0123456789abcdef0123456789";
const QByteArray OtherSecret = "fuzz-other-secret-0123456789abcdef0123";
const QByteArray ValidHeader = R"({"alg":"HS256","typ":"JWT"})";
const QByteArray ValidClaims = R"({"sub":"42","exp":1900000000,"iat":1800000000})";
constexpr qint64 MaxNumericDateSecs = 253402300799; // 9999-12-31T23:59:59Z

bool isJsonObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    return error.error == QJsonParseError::NoError && document.isObject();
}

QByteArray makeToken(int mode, const QByteArray &rest)
{
    const Herald::TokenSigner signer(Secret);
    switch (mode) {
    case 1: {
        const qsizetype newline = rest.indexOf('\n');
        return newline < 0 ? signer.signRaw(rest, {})
                           : signer.signRaw(rest.first(newline), rest.sliced(newline + 1));
    }
    case 2:
        return signer.signRaw(ValidHeader, rest);
    case 3:
        return signer.signRaw(rest, ValidClaims);
    default:
        return rest;
    }
}

void checkAccepted(const TokenClaims &claims, const QByteArray &token, const QDateTime &now,
                   int leeway)
{
    const qint64 leewayMs = qint64(qMax(0, leeway)) * 1000;
    HERALD_FUZZ_CHECK(!claims.user.isEmpty());
    HERALD_FUZZ_CHECK(claims.expires.isValid());
    HERALD_FUZZ_CHECK(now.toMSecsSinceEpoch() < claims.expires.toMSecsSinceEpoch() + leewayMs);
    HERALD_FUZZ_CHECK(!claims.notBefore.isValid()
                      || now.toMSecsSinceEpoch()
                          >= claims.notBefore.toMSecsSinceEpoch() - leewayMs);
    // Only the secret's owner can mint a token: another secret, or another signature, fails.
    const TokenVerifier::Result other = TokenVerifier(OtherSecret).verify(token, now);
    HERALD_FUZZ_CHECK(std::holds_alternative<TokenError>(other));
    QByteArray forged = token;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    HERALD_FUZZ_CHECK(
        std::holds_alternative<TokenError>(TokenVerifier(Secret).verify(forged, now)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    if (newline < 0)
        return 0;
    const QList<QByteArray> options = input.first(newline).split(' ');
    const int mode = int(qBound(0LL, options.value(0).toLongLong(), 3LL));
    const int leeway = options.value(1).toInt();
    const qint64 seconds = options.value(2).toLongLong();
    const QDateTime now = QDateTime::fromSecsSinceEpoch(
        seconds ? qBound(-MaxNumericDateSecs, seconds, MaxNumericDateSecs) : 1850000000, Qt::UTC);
    const QByteArray rest = input.sliced(newline + 1);
    const QByteArray token = makeToken(mode, rest);

    const TokenVerifier::Result result = TokenVerifier(Secret, leeway).verify(token, now);
    if (const auto *claims = std::get_if<TokenClaims>(&result)) {
        HERALD_FUZZ_CHECK(token.size() <= 8 * 1024);
        checkAccepted(*claims, token, now, leeway);
        return 0;
    }
    const TokenError error = std::get<TokenError>(result);
    HERALD_FUZZ_CHECK(!TokenVerifier::errorCode(error).isEmpty());
    HERALD_FUZZ_CHECK(!TokenVerifier::errorMessage(error).isEmpty());
    HERALD_FUZZ_CHECK(error != TokenError::Missing || token.isEmpty());
    // Tokens over 8 KiB are refused before anything is decoded.
    HERALD_FUZZ_CHECK(token.size() <= 8 * 1024 || error == TokenError::Malformed);
    // A well-formed HS256 token signed with the secret gets past the signature: only
    // its claims can refuse it.
    if (mode == 2 && token.size() <= 8 * 1024 && isJsonObject(rest)) {
        HERALD_FUZZ_CHECK(error == TokenError::MissingClaim || error == TokenError::Expired
                          || error == TokenError::NotYetValid);
    }
    return 0;
}
