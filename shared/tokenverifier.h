#pragma once

#include "tokenclaims.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <variant>

namespace Herald {

/*!
    Why a token was refused. The string forms (errorCode()) are what clients see
    in the JSON body of the 401 answer.
*/
enum class TokenError {
    Missing, //!< no token at all ("token_missing")
    Malformed, //!< not three base64url parts of JSON objects ("token_invalid")
    BadAlgorithm, //!< header alg is not "HS256" (incl. "none") ("token_algorithm")
    CriticalExtension, //!< header has "crit": extensions we must understand, and we know none
                       //!< ("token_crit")
    UnknownKey, //!< header "kid" names no configured secret ("token_kid")
    BadSignature, //!< HMAC does not match ("token_signature")
    MissingClaim, //!< sub or exp absent, or a claim of the wrong type (also iat, nbf, jti,
                  //!< sid) ("token_claims")
    Expired, //!< now >= exp (+ leeway) ("token_expired")
    NotYetValid, //!< now < nbf (- leeway) ("token_not_yet_valid")
};

/*!
    Verifies HS256 JSON Web Tokens with the server secret.

    Hand-written on QMessageAuthenticationCode rather than libjwt: Debian 12's
    libjwt 1.10 has no claim validation and reports every failure as one errno,
    while clients here need the precise reason. The signature is compared in
    constant time.
*/
class TokenVerifier
{
public:
    using Result = std::variant<TokenClaims, TokenError>;

    //! One secret that verifies tokens; \a id is what a token's "kid" header names.
    struct Key
    {
        QByteArray id; //!< empty: only tokens without "kid" are tried against it
        QByteArray secret;
    };

    //! \a secret must not be empty; \a leewaySeconds tolerates clock skew on exp/nbf.
    explicit TokenVerifier(QByteArray secret, int leewaySeconds = 0);
    /*!
        Several secrets, so that an application can roll its signing secret
        without disconnecting anyone. A token with a "kid" header is checked
        against the key with that id only (UnknownKey when there is none); a
        token without one against every key.
    */
    explicit TokenVerifier(QList<Key> keys, int leewaySeconds = 0);

    /*!
        Returns the claims, or the first reason the token is refused, checked in
        this order: Missing, Malformed, BadAlgorithm, CriticalExtension,
        UnknownKey, BadSignature, MissingClaim, Expired, NotYetValid. Never throws.
    */
    Result verify(const QByteArray &token,
                  const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    //! "token_missing", "token_invalid", ... as listed in TokenError.
    static QString errorCode(TokenError error);
    //! A one-sentence, human-readable explanation of \a error.
    static QString errorMessage(TokenError error);

private:
    QList<Key> m_keys;
    int m_leewaySeconds;
};

} // namespace Herald
