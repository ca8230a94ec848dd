#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <optional>

namespace Herald {

// What the Send dialog sends: a notify to some users or a broadcast, as an
// admin command name and its arguments.
struct SendRequest
{
    bool broadcast = false;
    QStringList users;
    QString event;
    std::optional<QJsonValue> data; // nullopt: no "data" field
    bool store = true; // notify stores by default; broadcasts do not

    // Ids separated by commas, semicolons or white space; duplicates dropped,
    // order kept.
    static QStringList parseUsers(const QString &text);

    // Empty when the request can be sent; otherwise what is missing.
    QString problem() const;
    QString command() const; // "notify" or "broadcast"
    QJsonObject arguments() const;
};

} // namespace Herald
