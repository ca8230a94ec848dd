#pragma once

#include "admin/adminsessionrecord.h"

#include <QList>
#include <QObject>

class QMenu;
class QWidget;

namespace Herald {

class AdminClient;

// What an operator can do to selected sessions, as admin commands: the
// sessions pane's context menu. Answers reach the event log through Monitor.
class SessionActions : public QObject
{
    Q_OBJECT

public:
    explicit SessionActions(AdminClient &client, QObject *parent = nullptr);

    // A menu for \a selection (one or more sessions), owned by the caller.
    std::unique_ptr<QMenu> menuFor(const QList<AdminSessionRecord> &selection, QWidget *parent);

    void sendTestNotification(const QStringList &users);
    void disconnectSessions(const QList<AdminSessionRecord> &sessions);
    void disconnectUsers(const QStringList &users);
    static void copyToClipboard(const QStringList &ids);

    static QStringList usersOf(const QList<AdminSessionRecord> &sessions);
    static QStringList idsOf(const QList<AdminSessionRecord> &sessions);

private:
    AdminClient &m_client;
};

} // namespace Herald
