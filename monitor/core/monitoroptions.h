#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>

namespace Herald {

// herald-monitor's command line. The token is never an argument (it would
// show in ps): it comes from an environment variable or a file.
struct MonitorOptions
{
    enum class Kind { Run, Help, Version, Error };

    Kind kind = Kind::Run;
    QString text; // help, version or error text
    QUrl apiUrl; // --url; empty: ask in the connect dialog
    QByteArray token; // from --token-env / --token-file
    QString profile; // --profile: a saved profile to open

    // Connect straight away, without the dialog?
    bool canAutoConnect() const { return !apiUrl.isEmpty() && !token.isEmpty(); }

    // \a arguments as QCoreApplication::arguments() gives them (program first).
    static MonitorOptions parse(const QStringList &arguments, const QProcessEnvironment &env);

private:
    static MonitorOptions error(const QString &text);
};

} // namespace Herald
