#include "senddialog.h"

#include "adminclient.h"
#include "payloadvalidator.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

SendDialog::SendDialog(AdminClient &client, QWidget *parent) : QDialog(parent), m_client(client)
{
    setUpWidgets();
    buildLayout();
    connect(&m_users, &QLineEdit::textChanged, this, &SendDialog::validate);
    connect(&m_payload, &QPlainTextEdit::textChanged, this, &SendDialog::validate);
    connect(&m_toUsers, &QRadioButton::toggled, this, &SendDialog::validate);
    connect(&m_broadcast, &QRadioButton::toggled, this, [this](bool on) {
        m_users.setEnabled(!on);
        m_store.setChecked(!on); // the API's defaults: notify stores, broadcast does not
    });
    connect(m_send, &QPushButton::clicked, this, &SendDialog::send);
    connect(&m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Every command's answer passes by; send() remembers which one is ours.
    connect(&client, &AdminClient::commandFinished, this, &SendDialog::onCommandFinished);
    validate();
}

void SendDialog::setUpWidgets()
{
    setWindowTitle(tr("Send notification"));
    m_send = m_buttons.addButton(tr("Send"), QDialogButtonBox::AcceptRole);
    m_send->setIcon(QIcon(u":/icons/send.svg"_s));
    m_buttons.addButton(QDialogButtonBox::Close);
    m_toUsers.setText(tr("Users"));
    m_broadcast.setText(tr("Broadcast to every session"));
    m_toUsers.setChecked(true);
    m_users.setPlaceholderText(tr("user ids, separated by commas or spaces"));
    m_event.setText(u"monitor.test"_s);
    m_payload.setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload.setPlainText(u"{\n  \"title\": \"Hello from herald-monitor\"\n}"_s);
    m_error.setStyleSheet(u"color: #c62828;"_s);
    m_error.setWordWrap(true);
    m_store.setText(tr("Store in the users' inboxes"));
    m_store.setChecked(true);
    m_result.setWordWrap(true);
    m_result.setTextInteractionFlags(Qt::TextSelectableByMouse);
}

void SendDialog::buildLayout()
{
    auto *targets = new QHBoxLayout;
    targets->addWidget(&m_toUsers);
    targets->addWidget(&m_users, 1);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Targets:"), targets);
    form->addRow(QString(), &m_broadcast);
    form->addRow(tr("Event:"), &m_event);
    form->addRow(tr("Payload (JSON):"), &m_payload);
    form->addRow(QString(), &m_error);
    form->addRow(QString(), &m_store);
    form->addRow(tr("Result:"), &m_result);
    form->addRow(&m_buttons);
    resize(520, 420);
}

void SendDialog::setUsers(const QStringList &users)
{
    m_toUsers.setChecked(true);
    m_users.setText(users.join(u", "_s));
}

std::optional<SendRequest> SendDialog::request() const
{
    const PayloadValidator::Result payload = PayloadValidator::check(m_payload.toPlainText());
    SendRequest request;
    request.broadcast = m_broadcast.isChecked();
    request.users = SendRequest::parseUsers(m_users.text());
    request.event = m_event.text();
    request.data = payload.value;
    request.store = m_store.isChecked();
    if (!payload.ok || !request.problem().isEmpty())
        return std::nullopt;
    return request;
}

void SendDialog::validate()
{
    const PayloadValidator::Result payload = PayloadValidator::check(m_payload.toPlainText());
    m_error.setText(payload.error);
    m_error.setVisible(!payload.ok);
    m_send->setEnabled(m_pendingId == 0 && request().has_value());
}

void SendDialog::send()
{
    const auto toSend = request();
    if (!toSend)
        return;
    m_result.setText(tr("Sending…"));
    m_pendingId = m_client.sendCommand(toSend->command(), toSend->arguments());
    validate();
}

void SendDialog::onCommandFinished(const CommandResult &result)
{
    if (result.id != m_pendingId)
        return;
    m_pendingId = 0;
    if (result.ok)
        m_result.setText(tr("Reached %1 sessions (id %2)")
                             .arg(result.result.value(u"sessions"_s).toInteger())
                             .arg(result.result.value(u"id"_s).toString()));
    else
        m_result.setText(tr("Failed: %1 (%2)").arg(result.errorMessage, result.errorCode));
    validate();
}

} // namespace Herald
