#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace Herald {

/*!
    Mints HS256 JSON Web Tokens that TokenVerifier accepts: for --dev mode's
    example token, the monitor's test tools and the test suites. Applications
    normally mint tokens themselves (see the README's Django example).
*/
class TokenSigner
{
public:
    explicit TokenSigner(QByteArray secret);

    //! A token for \a user valid until \a expires, with iat = \a issuedAt.
    QByteArray sign(const QString &user, const QDateTime &expires,
                    const QDateTime &issuedAt = QDateTime::currentDateTimeUtc()) const;

    /*!
        Signs an arbitrary header and payload as-is (alg taken from nothing: the
        signature is always HMAC-SHA256). Tests use it to craft every kind of bad
        token.
    */
    QByteArray signRaw(const QByteArray &headerJson, const QByteArray &payloadJson) const;

private:
    QByteArray m_secret;
};

} // namespace Herald
