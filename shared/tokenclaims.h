#pragma once

#include <QDateTime>
#include <QString>

namespace Herald {

/*!
    The claims Herald reads from a browser token (HS256 JWT).
    \c user is the \c sub claim; \c expires is \c exp; the optional ones are
    invalid QDateTime / empty QString when absent.
*/
struct TokenClaims
{
    QString user;
    QDateTime expires;
    QDateTime issuedAt;
    QDateTime notBefore;
    QString tokenId;
};

} // namespace Herald
