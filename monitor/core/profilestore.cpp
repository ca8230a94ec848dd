#include "profilestore.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

const QString Group = u"profiles"_s;

} // namespace

ProfileStore::ProfileStore(QSettings &settings) : m_settings(settings)
{ }

QList<ServerProfile> ProfileStore::profiles() const
{
    QList<ServerProfile> result;
    const int count = m_settings.beginReadArray(Group);
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        result.append(
            {m_settings.value(u"name"_s).toString(), QUrl(m_settings.value(u"url"_s).toString())});
    }
    m_settings.endArray();
    return result;
}

std::optional<ServerProfile> ProfileStore::profile(const QString &name) const
{
    const QList<ServerProfile> all = profiles();
    const auto found = std::find_if(all.cbegin(), all.cend(),
                                    [&](const ServerProfile &p) { return p.name == name; });
    if (found == all.cend())
        return std::nullopt;
    return *found;
}

void ProfileStore::save(const ServerProfile &profile)
{
    QList<ServerProfile> all = profiles();
    all.removeIf([&](const ServerProfile &p) { return p.name == profile.name; });
    all.append(profile);
    std::sort(all.begin(), all.end(), [](const ServerProfile &a, const ServerProfile &b) {
        return a.name.localeAwareCompare(b.name) < 0;
    });
    write(all);
}

void ProfileStore::remove(const QString &name)
{
    QList<ServerProfile> all = profiles();
    if (all.removeIf([&](const ServerProfile &p) { return p.name == name; }) == 0)
        return;
    write(all);
}

void ProfileStore::write(const QList<ServerProfile> &all)
{
    m_settings.remove(Group);
    m_settings.beginWriteArray(Group, int(all.size()));
    for (int i = 0; i < all.size(); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue(u"name"_s, all[i].name);
        m_settings.setValue(u"url"_s, all[i].apiUrl.toString());
    }
    m_settings.endArray();
}

QString ProfileStore::lastUsed() const
{
    return m_settings.value(u"lastProfile"_s).toString();
}

void ProfileStore::setLastUsed(const QString &name)
{
    m_settings.setValue(u"lastProfile"_s, name);
}

} // namespace Herald
