#include "config/inifile.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

// Why key may not appear in the file, or an empty string if it may.
QString refuseKey(const QString &key, const QStringList &keys, const QHash<QString, QString> &seen)
{
    if (key == u"secret" || key == u"api_key")
        return u"'%1' is not accepted in a config file; name a file holding it with %1_file"_s.arg(
            key);
    if (seen.contains(key))
        return u"key '%1' is set twice"_s.arg(key);
    if (!keys.contains(key))
        return u"unknown key '%1'"_s.arg(key);
    return QString();
}

} // namespace

// Unknown and repeated keys are errors so that typos do not silently fall back to defaults.
std::optional<IniFile> IniFile::parse(const QString &content, const QString &fileName,
                                      const QStringList &keys, QString *error)
{
    IniFile file;
    file.m_fileName = fileName;
    const QStringList lines = content.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype equals = line.indexOf(u'=');
        const QString key = line.left(equals).trimmed();
        const QString problem = equals < 0 ? u"expected 'key = value' (sections are not used)"_s
                                           : refuseKey(key, keys, file.m_values);
        if (!problem.isEmpty()) {
            *error = u"%1:%2: %3"_s.arg(fileName, QString::number(i + 1), problem);
            return std::nullopt;
        }
        file.m_values.insert(key, line.mid(equals + 1).trimmed());
    }
    return file;
}

std::optional<QString> IniFile::value(const QString &key) const
{
    const auto it = m_values.constFind(key);
    if (it == m_values.cend())
        return std::nullopt;
    return *it;
}

QString IniFile::resolvePath(const QString &path) const
{
    return QFileInfo(m_fileName).dir().filePath(path);
}

} // namespace Herald
