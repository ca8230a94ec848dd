#pragma once

#include <QString>
#include <QStringList>

namespace Herald {

// What one reload did (SIGHUP, the admin command reload).
struct ReloadReport
{
    bool ok = false; // false: the configuration was refused and nothing changed
    QStringList applied; // INI keys of the settings changed live
    QStringList needsRestart; // INI keys of changed settings kept as running until a restart
    QString error; // when !ok: the loader's one-line message, never a secret
};

} // namespace Herald
