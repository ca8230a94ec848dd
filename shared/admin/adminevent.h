#pragma once

#include "adminsessionrecord.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace Herald {

/*!
 * One entry of an admin "events" frame: a session opened or closed, a
 * notification pushed, or the server's notice that it dropped events
 * ("overflow": the client should resync).
 */
struct AdminEvent
{
    enum class Kind { SessionOpened, SessionClosed, Notification, Overflow };

    Kind kind = Kind::SessionOpened;
    AdminSessionRecord session; //!< SessionOpened, SessionClosed
    int closeCode = 0; //!< SessionClosed
    QString closeReason;

    QString notificationId; //!< Notification
    QString eventName;
    QStringList users; //!< the first 100 ids; userCount has the total
    int userCount = 0;
    bool broadcast = false; //!< then users and userCount are not sent
    qint64 payloadBytes = 0;
    int sessionsReached = 0;
    bool stored = false;

    qint64 dropped = 0; //!< Overflow

    //! Returns nullopt and sets *\a error for an unknown "type" (newer servers
    //! may add some) and for a session event without a usable session object.
    static std::optional<AdminEvent> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    static AdminEvent opened(const AdminSessionRecord &session);
    static AdminEvent closed(const AdminSessionRecord &session, int code = 1000,
                             const QString &reason = {});
    static AdminEvent overflow(qint64 dropped);

    bool operator==(const AdminEvent &other) const = default;
};

} // namespace Herald
