#include "adminrule.h"

#include <QHttpServerRequest>
#include <QMessageAuthenticationCode>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

// Equal-length digests make the comparison independent of the token's length.
bool sameToken(const QByteArray &given, const QByteArray &expected)
{
    const QByteArray key = "herald-admin";
    const QByteArray a = QMessageAuthenticationCode::hash(given, key, QCryptographicHash::Sha256);
    const QByteArray b
        = QMessageAuthenticationCode::hash(expected, key, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace

AdminRule::AdminRule(const QString &pathPattern, QByteArray token, RouterHandler handler)
    : QHttpServerRouterRule(pathPattern, QHttpServerRequest::Method::Get, std::move(handler)),
      m_token(std::move(token))
{ }

bool AdminRule::isUpgrade(const QHttpServerRequest &request)
{
    return request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
}

bool AdminRule::matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const
{
    QByteArray given = request.value("Authorization");
    given = given.startsWith("Bearer ") ? given.mid(7).trimmed()
                                        : request.query().queryItemValue(u"token"_s).toUtf8();
    return !given.isEmpty() && sameToken(given, m_token)
        && QHttpServerRouterRule::matches(request, match);
}

} // namespace Herald
