#pragma once

#include <QList>
#include <QSettings>
#include <QString>
#include <QUrl>

#include <optional>

namespace Herald {

// A saved server: a name and its push API URL. The admin token is never part
// of it; TokenStore keeps tokens (in a keyring, or in memory only).
struct ServerProfile
{
    QString name;
    QUrl apiUrl;

    bool operator==(const ServerProfile &other) const = default;
};

// The saved server profiles, in the settings group "profiles", sorted by name.
class ProfileStore
{
public:
    explicit ProfileStore(QSettings &settings);

    QList<ServerProfile> profiles() const;
    std::optional<ServerProfile> profile(const QString &name) const;
    void save(const ServerProfile &profile); // adds, or replaces the one with that name
    void remove(const QString &name);

    QString lastUsed() const;
    void setLastUsed(const QString &name);

private:
    void write(const QList<ServerProfile> &all);

    QSettings &m_settings;
};

} // namespace Herald
