#pragma once

#include "commandresult.h"
#include "sendrequest.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>

namespace Herald {

class AdminClient;

// Compose and send a notification: to user ids or to everyone, with an event
// name and a JSON payload checked as it is typed (the error shown inline, Send
// disabled while invalid). The server's answer is shown in the dialog.
class SendDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SendDialog(AdminClient &client, QWidget *parent = nullptr);

    void setUsers(const QStringList &users);
    QLineEdit &usersEdit() { return m_users; }
    QRadioButton &broadcastButton() { return m_broadcast; }
    QLineEdit &eventEdit() { return m_event; }
    QPlainTextEdit &payloadEdit() { return m_payload; }
    QPushButton &sendButton() { return *m_send; }
    QLabel &errorLabel() { return m_error; }
    QLabel &resultLabel() { return m_result; }

    std::optional<SendRequest> request() const; // nullopt while something is invalid

private:
    void setUpWidgets();
    void buildLayout();
    void validate();
    void send();
    void onCommandFinished(const CommandResult &result);

    AdminClient &m_client;
    QRadioButton m_toUsers;
    QRadioButton m_broadcast;
    QLineEdit m_users;
    QLineEdit m_event;
    QPlainTextEdit m_payload;
    QLabel m_error;
    QCheckBox m_store;
    QLabel m_result;
    QDialogButtonBox m_buttons;
    QPushButton *m_send = nullptr; // owned by m_buttons
    qint64 m_pendingId = 0;
};

} // namespace Herald
