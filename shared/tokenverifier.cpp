#include "tokenverifier.h"

#include <algorithm>

#include "secretcompare.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QMessageAuthenticationCode>

#include <cmath>
#include <optional>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

// Browser tokens are a few hundred bytes; anything far larger is abuse, and
// refusing it before decoding caps the work an attacker can make us do.
constexpr qsizetype MaxTokenSize = 8 * 1024;

// 9999-12-31T23:59:59Z: beyond it a "date" is garbage, and converting it to
// milliseconds could overflow qint64.
constexpr double MaxNumericDate = 253402300799.0;

constexpr auto UrlEncodeOptions = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr auto UrlDecodeOptions = UrlEncodeOptions | QByteArray::AbortOnBase64DecodingErrors;

struct DecodedToken
{
    QJsonObject header;
    QJsonObject payload;
    QByteArray signingInput; // "header.payload" exactly as received: what was signed
    QByteArray signature;
};

// Only canonical base64url is accepted (no '=', no stray trailing bits), so
// one token has exactly one spelling and a signature cannot be re-spelled.
std::optional<QByteArray> decodeBase64Url(const QByteArray &part)
{
    if (part.isEmpty())
        return std::nullopt;
    auto result = QByteArray::fromBase64Encoding(part, UrlDecodeOptions);
    if (!result || result.decoded.toBase64(UrlEncodeOptions) != part)
        return std::nullopt;
    return std::move(result.decoded);
}

std::optional<QJsonObject> decodeJsonObject(const QByteArray &part)
{
    const std::optional<QByteArray> json = decodeBase64Url(part);
    if (!json)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

std::optional<DecodedToken> decodeToken(const QByteArray &token)
{
    if (token.size() > MaxTokenSize)
        return std::nullopt;
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const auto header = decodeJsonObject(parts.at(0));
    const auto payload = decodeJsonObject(parts.at(1));
    const auto signature = decodeBase64Url(parts.at(2));
    if (!header || !payload || !signature)
        return std::nullopt;
    return DecodedToken{*header, *payload, parts.at(0) + '.' + parts.at(1), *signature};
}

bool signatureMatches(const DecodedToken &token, const QByteArray &secret)
{
    // An empty key would make every token forgeable: refuse rather than trust.
    if (secret.isEmpty())
        return false;
    const QByteArray expected
        = QMessageAuthenticationCode::hash(token.signingInput, secret, QCryptographicHash::Sha256);
    return secretsEqual(token.signature, expected);
}

// Reads an optional NumericDate (seconds, possibly fractional) into *date.
// Returns false when present but not a number in the sane range.
bool readNumericDate(const QJsonObject &payload, const QString &key, QDateTime *date)
{
    if (!payload.contains(key))
        return true;
    const QJsonValue value = payload.value(key);
    if (!value.isDouble() || std::abs(value.toDouble()) > MaxNumericDate)
        return false;
    const auto msecs = static_cast<qint64>(std::llround(value.toDouble() * 1000.0));
    *date = QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
    return true;
}

std::optional<TokenClaims> readClaims(const QJsonObject &payload)
{
    TokenClaims claims;
    const QJsonValue sub = payload.value(u"sub"_s);
    const QJsonValue jti = payload.value(u"jti"_s);
    const QJsonValue sid = payload.value(u"sid"_s);
    if (!sub.isString() || sub.toString().isEmpty() || !payload.contains(u"exp"_s)
        || !(jti.isUndefined() || jti.isString()) || !(sid.isUndefined() || sid.isString()))
        return std::nullopt;
    if (!readNumericDate(payload, u"exp"_s, &claims.expires)
        || !readNumericDate(payload, u"nbf"_s, &claims.notBefore)
        || !readNumericDate(payload, u"iat"_s, &claims.issuedAt))
        return std::nullopt;
    claims.user = sub.toString();
    claims.tokenId = jti.toString();
    claims.sessionId = sid.toString();
    return claims;
}

std::optional<TokenError> checkValidity(const TokenClaims &claims, const QDateTime &now,
                                        int leewaySeconds)
{
    const qint64 nowMsecs = now.toMSecsSinceEpoch();
    const qint64 leewayMsecs = qint64(leewaySeconds) * 1000;
    if (nowMsecs >= claims.expires.toMSecsSinceEpoch() + leewayMsecs)
        return TokenError::Expired;
    if (claims.notBefore.isValid() && nowMsecs < claims.notBefore.toMSecsSinceEpoch() - leewayMsecs)
        return TokenError::NotYetValid;
    return std::nullopt;
}

} // namespace

// A negative leeway would silently shorten every token's life: treat it as none.
TokenVerifier::TokenVerifier(QByteArray secret, int leewaySeconds)
    : TokenVerifier(QList<Key>{{QByteArray(), std::move(secret)}}, leewaySeconds)
{ }

TokenVerifier::TokenVerifier(QList<Key> keys, int leewaySeconds)
    : m_keys(std::move(keys)), m_leewaySeconds(qMax(0, leewaySeconds))
{
    Q_ASSERT(!m_keys.isEmpty());
    Q_ASSERT(std::none_of(m_keys.cbegin(), m_keys.cend(),
                          [](const Key &key) { return key.secret.isEmpty(); }));
}

TokenVerifier::Result TokenVerifier::verify(const QByteArray &token, const QDateTime &now) const
{
    if (token.isEmpty())
        return TokenError::Missing;
    const std::optional<DecodedToken> decoded = decodeToken(token);
    if (!decoded)
        return TokenError::Malformed;
    // Exact match only: "none", other HMACs and RSA/EC (key confusion) all fail here.
    if (decoded->header.value(u"alg"_s) != QJsonValue(u"HS256"_s))
        return TokenError::BadAlgorithm;
    // RFC 7515 4.1.11: a recipient that does not understand every listed
    // extension must refuse the token; Herald implements none (even "crit": []
    // is not allowed by the RFC).
    if (decoded->header.contains(u"crit"_s))
        return TokenError::CriticalExtension;
    const QJsonValue kid = decoded->header.value(u"kid"_s);
    if (!kid.isUndefined() && !kid.isString())
        return TokenError::Malformed;
    bool known = kid.isUndefined();
    bool matches = false;
    for (const Key &key : m_keys) {
        // Every candidate is checked, so the time taken does not tell which one matched.
        const bool candidate = kid.isUndefined() || key.id == kid.toString().toUtf8();
        if (!candidate || (!kid.isUndefined() && key.id.isEmpty()))
            continue;
        known = true;
        matches = signatureMatches(*decoded, key.secret) || matches;
    }
    if (!known)
        return TokenError::UnknownKey;
    if (!matches)
        return TokenError::BadSignature;
    const std::optional<TokenClaims> claims = readClaims(decoded->payload);
    if (!claims)
        return TokenError::MissingClaim;
    if (const auto error = checkValidity(*claims, now, m_leewaySeconds))
        return *error;
    return *claims;
}

QString TokenVerifier::errorCode(TokenError error)
{
    switch (error) {
    case TokenError::Missing:
        return u"token_missing"_s;
    case TokenError::Malformed:
        return u"token_invalid"_s;
    case TokenError::BadAlgorithm:
        return u"token_algorithm"_s;
    case TokenError::CriticalExtension:
        return u"token_crit"_s;
    case TokenError::UnknownKey:
        return u"token_kid"_s;
    case TokenError::BadSignature:
        return u"token_signature"_s;
    case TokenError::MissingClaim:
        return u"token_claims"_s;
    case TokenError::Expired:
        return u"token_expired"_s;
    case TokenError::NotYetValid:
        return u"token_not_yet_valid"_s;
    }
    Q_UNREACHABLE();
    return {};
}

QString TokenVerifier::errorMessage(TokenError error)
{
    switch (error) {
    case TokenError::Missing:
        return u"No access token was supplied."_s;
    case TokenError::Malformed:
        return u"The access token is not a well-formed JSON Web Token."_s;
    case TokenError::BadAlgorithm:
        return u"The access token must be signed with HS256."_s;
    case TokenError::CriticalExtension:
        return u"The access token's header lists critical extensions (crit), which are not supported."_s;
    case TokenError::UnknownKey:
        return u"The access token's kid names no secret this server has."_s;
    case TokenError::BadSignature:
        return u"The access token signature is not valid."_s;
    case TokenError::MissingClaim:
        return u"The access token lacks a valid sub or exp claim, or has a mistyped claim."_s;
    case TokenError::Expired:
        return u"The access token has expired."_s;
    case TokenError::NotYetValid:
        return u"The access token is not valid yet."_s;
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace Herald
