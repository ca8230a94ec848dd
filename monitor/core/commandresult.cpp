#include "commandresult.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<CommandResult> CommandResult::fromJson(const QJsonObject &json)
{
    const QJsonValue id = json.value(u"id"_s);
    if (json.value(u"type"_s).toString() != u"result"_s || !id.isDouble())
        return std::nullopt;
    CommandResult answer;
    answer.id = id.toInteger();
    answer.ok = json.value(u"ok"_s).toBool();
    answer.result = json.value(u"result"_s).toObject();
    const QJsonObject error = json.value(u"error"_s).toObject();
    answer.errorCode = error.value(u"code"_s).toString();
    answer.errorMessage = error.value(u"message"_s).toString();
    if (!answer.ok && answer.errorCode.isEmpty())
        answer.errorCode = u"unknown_error"_s;
    return answer;
}

QString CommandResult::summary() const
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("Herald::CommandResult", text);
    };
    if (!ok)
        return tr("%1 failed: %2 (%3)").arg(command, errorMessage, errorCode);
    if (result.contains(u"disconnected"_s))
        return tr("%1: %2 sessions disconnected")
            .arg(command)
            .arg(result.value(u"disconnected"_s).toInteger());
    if (result.contains(u"sessions"_s))
        return tr("%1: %2 sessions reached (%3)")
            .arg(command)
            .arg(result.value(u"sessions"_s).toInteger())
            .arg(result.value(u"id"_s).toString());
    return tr("%1: done").arg(command);
}

CommandResult CommandResult::failure(qint64 id, const QString &code, const QString &message)
{
    CommandResult answer;
    answer.id = id;
    answer.errorCode = code;
    answer.errorMessage = message;
    return answer;
}

} // namespace Herald
