#include "commandresult.h"

#include "admin/admincommandresult.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

std::optional<CommandResult> CommandResult::fromJson(const QJsonObject &json)
{
    const std::optional<AdminCommandResult> frame = AdminCommandResult::fromJson(json);
    if (!frame || !frame->id.isDouble())
        return std::nullopt;
    CommandResult answer;
    answer.id = frame->id.toInteger();
    answer.ok = frame->ok;
    answer.result = frame->result;
    answer.errorCode = frame->errorCode;
    answer.errorMessage = frame->errorMessage;
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
