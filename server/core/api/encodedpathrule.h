#pragma once

#include <QHttpServerRouterRule>
#include <QRegularExpression>

namespace Herald {

// A route whose <arg> segments are matched on the path as it was sent, still
// percent-encoded. QHttpServer 6.4 matches its rules on the decoded path, so
// "/users/a%2Fb/unread" never reached the route and "x%2541" arrived as
// "x%41", which the handler then decoded a second time into "xA". Here each
// captured segment is still encoded, and the handler decodes it exactly once
// (ApiGuard::decoded), so a user id may hold any character, "/" and "%" too.
class EncodedPathRule : public QHttpServerRouterRule
{
public:
    EncodedPathRule(const QString &pathPattern, RouterHandler handler);

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override;

private:
    QRegularExpression m_encodedPath;
};

} // namespace Herald
