#include "eventlogentry.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Herald::EventLogEntry", text);
}

QString sessionsText(int sessions)
{
    return sessions == 1 ? tr("1 session") : tr("%1 sessions").arg(sessions);
}

QString notificationDetails(const AdminEvent &event)
{
    const QString name = event.eventName.isEmpty() ? tr("(no event name)") : event.eventName;
    QString details = u"%1 \u2192 %2, %3 B"_s.arg(name, sessionsText(event.sessionsReached))
                          .arg(event.payloadBytes);
    if (event.stored)
        details += tr(", stored");
    return details;
}

} // namespace

EventLogEntry EventLogEntry::fromEvent(const AdminEvent &event, const QDateTime &time)
{
    EventLogEntry entry;
    entry.time = time;
    switch (event.kind) {
    case AdminEvent::Kind::SessionOpened:
        entry.kind = Kind::Connect;
        entry.details
            = tr("from %1 (%2)").arg(event.session.remoteAddress, event.session.userAgent);
        break;
    case AdminEvent::Kind::SessionClosed:
        entry.kind = Kind::Disconnect;
        entry.details = tr("closed %1 %2").arg(event.closeCode).arg(event.closeReason).trimmed();
        break;
    case AdminEvent::Kind::Notification:
        entry.kind = event.broadcast ? Kind::Broadcast : Kind::Push;
        entry.users = event.users;
        entry.moreUsers = std::max(0, event.userCount - int(event.users.size()));
        entry.details = notificationDetails(event);
        return entry;
    case AdminEvent::Kind::Overflow:
        entry.kind = Kind::Overflow;
        entry.details = tr("the server dropped %1 events; resynchronizing").arg(event.dropped);
        return entry;
    }
    entry.users = QStringList{event.session.user};
    entry.sessionId = event.session.id;
    return entry;
}

EventLogEntry EventLogEntry::notice(const QString &text, const QDateTime &time)
{
    EventLogEntry entry;
    entry.time = time;
    entry.details = text;
    return entry;
}

QString EventLogEntry::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Connect:
        return tr("connect");
    case Kind::Disconnect:
        return tr("disconnect");
    case Kind::Push:
        return tr("push");
    case Kind::Broadcast:
        return tr("broadcast");
    case Kind::Overflow:
        return tr("overflow");
    case Kind::Notice:
        break;
    }
    return tr("console");
}

QString EventLogEntry::usersText() const
{
    if (kind == Kind::Broadcast)
        return tr("everyone");
    QString text = users.join(u", "_s);
    if (moreUsers > 0)
        text += tr(" +%1 more").arg(moreUsers);
    return text;
}

} // namespace Herald
