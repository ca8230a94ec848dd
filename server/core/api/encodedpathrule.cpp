#include "api/encodedpathrule.h"

#include <QHttpServerRequest>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

EncodedPathRule::EncodedPathRule(const QString &pathPattern, RouterHandler handler)
    : QHttpServerRouterRule(pathPattern, std::move(handler)),
      m_encodedPath(u"^"_s
                    + QRegularExpression::escape(pathPattern)
                          .replace(QRegularExpression::escape(u"<arg>"_s), u"([^/]+)"_s)
                    + u"$"_s)
{ }

bool EncodedPathRule::matches(const QHttpServerRequest &request,
                              QRegularExpressionMatch *match) const
{
    *match = m_encodedPath.match(request.url().path(QUrl::FullyEncoded));
    return match->hasMatch();
}

} // namespace Herald
