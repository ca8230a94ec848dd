#pragma once

#include "adminendpoint.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace Herald {

class ProfileStore;
class TokenStore;

// Pick or create a server profile (name + push API URL, saved in QSettings)
// and give its admin token. The token goes to the TokenStore only when
// "remember" is ticked: the keyring, or memory for this run; never QSettings.
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    ConnectDialog(ProfileStore &profiles, TokenStore &tokens, QWidget *parent = nullptr);

    // Selects profile \a name (or starts it) and, when given, fills in \a url.
    void preset(const QString &name, const QUrl &url);
    AdminEndpoint endpoint() const;
    QString profileName() const { return m_profile.currentText().trimmed(); }
    QLineEdit &urlEdit() { return m_url; }
    QLineEdit &tokenEdit() { return m_token; }

    void accept() override;

private:
    void buildLayout();
    void loadProfile(const QString &name);
    void onTokenRead(const QString &profile, const QByteArray &token);
    void deleteProfile();
    void describeTokenStorage();

    ProfileStore &m_profiles;
    TokenStore &m_tokens;
    QComboBox m_profile;
    QLineEdit m_url;
    QLineEdit m_token;
    QCheckBox m_remember;
    QLabel m_storageNote;
    QLabel m_error;
    QPushButton m_delete;
    QDialogButtonBox m_buttons;
};

} // namespace Herald
