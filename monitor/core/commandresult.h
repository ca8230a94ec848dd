#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace Herald {

// The answer to one admin command (an AdminCommandResult), as this console
// tracks it: with the command's name and an integer id. Commands that never
// got an answer (the connection dropped, or there was none) finish with
// ok == false and the client-side codes "disconnected" or "not_connected".
struct CommandResult
{
    qint64 id = 0;
    QString command; // filled in by AdminClient from its own records
    bool ok = false;
    QJsonObject result;
    QString errorCode;
    QString errorMessage;

    // nullopt unless AdminCommandResult reads \a json and its "id" is an
    // integer (AdminClient only sends integer ids).
    static std::optional<CommandResult> fromJson(const QJsonObject &json);
    // One line for the event log: "notify: 3 sessions reached", "resync failed: …".
    QString summary() const;
    static CommandResult failure(qint64 id, const QString &code, const QString &message);
};

} // namespace Herald
