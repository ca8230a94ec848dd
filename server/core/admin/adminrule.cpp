#include "adminrule.h"

#include "secretcompare.h"

#include <QHttpServerRequest>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

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
    return !given.isEmpty() && secretsEqual(given, m_token)
        && QHttpServerRouterRule::matches(request, match);
}

} // namespace Herald
