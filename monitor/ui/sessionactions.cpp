#include "sessionactions.h"

#include "adminclient.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QJsonObject>
#include <QMenu>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

SessionActions::SessionActions(AdminClient &client, QObject *parent)
    : QObject(parent), m_client(client)
{ }

std::unique_ptr<QMenu> SessionActions::menuFor(const QList<AdminSessionRecord> &selection,
                                               QWidget *parent)
{
    auto menu = std::make_unique<QMenu>(parent);
    const auto add
        = [this, &menu](const QString &icon, const QString &text, bool enabled, auto slot) {
              QAction *action = menu->addAction(QIcon(icon), text);
              action->setEnabled(enabled);
              connect(action, &QAction::triggered, this, slot);
          };
    const QStringList users = usersOf(selection);
    const QString who = users.size() == 1 ? users.first() : tr("%1 users").arg(users.size());
    const bool live = m_client.state() == AdminClient::State::Live;
    add(u":/icons/send.svg"_s, tr("Send test notification to %1").arg(who), live,
        [this, users] { sendTestNotification(users); });
    menu->addSeparator();
    add(u":/icons/disconnect.svg"_s,
        selection.size() == 1 ? tr("Disconnect session")
                              : tr("Disconnect %1 sessions").arg(selection.size()),
        live, [this, selection] { disconnectSessions(selection); });
    add({}, tr("Disconnect user %1").arg(who), live, [this, users] { disconnectUsers(users); });
    menu->addSeparator();
    add({}, tr("Copy session ids"), true, [selection] { copyToClipboard(idsOf(selection)); });
    add({}, tr("Copy user ids"), true, [users] { copyToClipboard(users); });
    return menu;
}

void SessionActions::sendTestNotification(const QStringList &users)
{
    const QJsonObject data{
        {u"title"_s, tr("Test notification")},
        {u"body"_s, tr("Sent from herald-monitor")},
        {u"sent_at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    m_client.notifyUsers(users, u"herald.test"_s, data);
}

void SessionActions::disconnectSessions(const QList<AdminSessionRecord> &sessions)
{
    for (const AdminSessionRecord &session : sessions)
        m_client.disconnectSession(session.id);
}

void SessionActions::disconnectUsers(const QStringList &users)
{
    for (const QString &user : users)
        m_client.disconnectUser(user);
}

void SessionActions::copyToClipboard(const QStringList &ids)
{
    QGuiApplication::clipboard()->setText(ids.join(u'\n'));
}

QStringList SessionActions::usersOf(const QList<AdminSessionRecord> &sessions)
{
    QStringList users;
    for (const AdminSessionRecord &session : sessions)
        users.append(session.user);
    users.removeDuplicates();
    return users;
}

QStringList SessionActions::idsOf(const QList<AdminSessionRecord> &sessions)
{
    QStringList ids;
    for (const AdminSessionRecord &session : sessions)
        ids.append(session.id);
    return ids;
}

} // namespace Herald
