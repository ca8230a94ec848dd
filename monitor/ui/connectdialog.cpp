#include "connectdialog.h"

#include "profilestore.h"
#include "tokenstore.h"

#include <QFormLayout>
#include <QHBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

ConnectDialog::ConnectDialog(ProfileStore &profiles, TokenStore &tokens, QWidget *parent)
    : QDialog(parent), m_profiles(profiles), m_tokens(tokens)
{
    setWindowTitle(tr("Connect to herald-server"));
    m_profile.setEditable(true);
    for (const ServerProfile &profile : profiles.profiles())
        m_profile.addItem(profile.name);
    m_url.setPlaceholderText(u"http://127.0.0.1:8081"_s);
    m_token.setEchoMode(QLineEdit::Password);
    m_token.setPlaceholderText(tr("HERALD_ADMIN_TOKEN of the server"));
    m_remember.setChecked(true);
    m_storageNote.setWordWrap(true);
    m_error.setStyleSheet(u"color: #c62828;"_s);
    m_delete.setText(tr("Delete profile"));
    m_buttons.addButton(tr("Connect"), QDialogButtonBox::AcceptRole)
        ->setIcon(QIcon(u":/icons/connect.svg"_s));
    m_buttons.addButton(QDialogButtonBox::Cancel);
    buildLayout();
    describeTokenStorage();

    connect(&m_profile, &QComboBox::currentTextChanged, this, &ConnectDialog::loadProfile);
    connect(&tokens, &TokenStore::tokenRead, this, &ConnectDialog::onTokenRead);
    connect(&tokens, &TokenStore::tokenWritten, this, &ConnectDialog::describeTokenStorage);
    connect(&m_delete, &QPushButton::clicked, this, &ConnectDialog::deleteProfile);
    connect(&m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(&m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const QString last = profiles.lastUsed();
    m_profile.setCurrentText(last.isEmpty() ? u"local"_s : last);
    loadProfile(m_profile.currentText());
}

void ConnectDialog::buildLayout()
{
    auto *profileRow = new QHBoxLayout;
    profileRow->addWidget(&m_profile, 1);
    profileRow->addWidget(&m_delete);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Profile:"), profileRow);
    form->addRow(tr("Server API URL:"), &m_url);
    form->addRow(tr("Admin token:"), &m_token);
    form->addRow(QString(), &m_remember);
    form->addRow(QString(), &m_storageNote);
    form->addRow(QString(), &m_error);
    form->addRow(&m_buttons);
    setMinimumWidth(460);
}

void ConnectDialog::describeTokenStorage()
{
    const bool keyring = m_tokens.isPersistent();
    m_remember.setText(keyring ? tr("Remember the token in the desktop keyring")
                               : tr("Remember the token until the console quits"));
    m_storageNote.setText(keyring ? QString()
                                  : tr("No keyring available: the token is kept in memory "
                                       "only and never written to disk."));
    m_storageNote.setVisible(!keyring);
}

void ConnectDialog::preset(const QString &name, const QUrl &url)
{
    if (!name.isEmpty())
        m_profile.setCurrentText(name);
    if (!url.isEmpty())
        m_url.setText(url.toString());
}

void ConnectDialog::loadProfile(const QString &name)
{
    m_error.clear();
    const auto profile = m_profiles.profile(name.trimmed());
    m_delete.setEnabled(profile.has_value());
    if (!profile)
        return; // a new name: keep what was typed
    m_url.setText(profile->apiUrl.toString());
    m_token.clear();
    m_tokens.read(profile->name);
}

void ConnectDialog::onTokenRead(const QString &profile, const QByteArray &token)
{
    if (profile != profileName() || token.isEmpty() || !m_token.text().isEmpty())
        return;
    m_token.setText(QString::fromUtf8(token));
    m_remember.setChecked(true);
}

void ConnectDialog::deleteProfile()
{
    m_profiles.remove(profileName());
    m_tokens.remove(profileName());
    m_profile.removeItem(m_profile.currentIndex());
}

AdminEndpoint ConnectDialog::endpoint() const
{
    return {AdminEndpoint::parseApiUrl(m_url.text()).value_or(QUrl()),
            m_token.text().trimmed().toUtf8()};
}

void ConnectDialog::accept()
{
    QString problem;
    const auto url = AdminEndpoint::parseApiUrl(m_url.text(), &problem);
    if (profileName().isEmpty())
        problem = tr("Name the profile");
    else if (url && m_token.text().trimmed().isEmpty())
        problem = tr("Give the admin token");
    if (!url || !problem.isEmpty()) {
        m_error.setText(problem);
        return;
    }
    // The profile is a name and a URL; the token goes to the TokenStore or nowhere.
    m_profiles.save({profileName(), *url});
    m_profiles.setLastUsed(profileName());
    if (m_remember.isChecked())
        m_tokens.write(profileName(), m_token.text().trimmed().toUtf8());
    else
        m_tokens.remove(profileName());
    QDialog::accept();
}

} // namespace Herald
