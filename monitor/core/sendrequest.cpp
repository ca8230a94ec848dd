#include "sendrequest.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QStringList SendRequest::parseUsers(const QString &text)
{
    static const QRegularExpression separators(u"[,;\\s]+"_s);
    QStringList users = text.split(separators, Qt::SkipEmptyParts);
    users.removeDuplicates();
    return users;
}

QString SendRequest::problem() const
{
    if (!broadcast && users.isEmpty())
        return QCoreApplication::translate("Herald::SendRequest", "Name at least one user id");
    return {};
}

QString SendRequest::command() const
{
    return broadcast ? u"broadcast"_s : u"notify"_s;
}

QJsonObject SendRequest::arguments() const
{
    QJsonObject arguments{{u"store"_s, store}};
    if (!broadcast)
        arguments.insert(u"users"_s, QJsonArray::fromStringList(users));
    if (!event.trimmed().isEmpty())
        arguments.insert(u"event"_s, event.trimmed());
    if (data)
        arguments.insert(u"data"_s, *data);
    return arguments;
}

} // namespace Herald
