#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace Herald {

// The --config file: "key = value" lines and whole-line comments starting with '#' or ';',
// no sections. A default-constructed IniFile is an empty file (none was given).
class IniFile
{
public:
    // fileName is used in messages and to resolve relative paths. Returns nullopt and sets
    // *error to "<fileName>:<line>: <problem>" for a line without '=', a key not in keys, a
    // key given twice, or "secret" / "api_key" (only files holding secrets belong here).
    // Messages name the key, never a value, so a misplaced secret does not leak.
    static std::optional<IniFile> parse(const QString &content, const QString &fileName,
                                        const QStringList &keys, QString *error);

    QString fileName() const { return m_fileName; }
    // The trimmed value, or nullopt if the key is absent.
    std::optional<QString> value(const QString &key) const;
    // A path from the file is relative to the file's folder, not to the working directory.
    QString resolvePath(const QString &path) const;

private:
    QHash<QString, QString> m_values;
    QString m_fileName;
};

} // namespace Herald
