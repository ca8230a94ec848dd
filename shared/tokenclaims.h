#pragma once

#include <QDateTime>
#include <QString>

namespace Herald {

/*!
    The claims Herald reads from a browser token (HS256 JWT).
    \c user is the \c sub claim; \c expires is \c exp; \c tokenId is \c jti and
    \c sessionId is \c sid. The optional ones are invalid QDateTime / empty QString
    when absent.
*/
struct TokenClaims
{
    QString user;
    QDateTime expires;
    QDateTime issuedAt;
    QDateTime notBefore;
    QString tokenId;
    QString sessionId;
};

} // namespace Herald
