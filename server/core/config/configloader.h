#pragma once

#include "config/serverconfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace Herald {

// What main() should do once the command line has been read.
struct ConfigResult
{
    enum class Kind { Run, Help, Version, Error };

    Kind kind = Kind::Error;
    ServerConfig config; // meaningful only for Run
    // Help: the full help text. Version: "<application name> <version>". Error: one line
    // naming the option, the source that set it and the bad value; never a secret's content.
    QString text;
};

// Builds the ServerConfig from command-line flags, then the environment, then the INI file
// named by --config / HERALD_CONFIG, then the defaults in ServerConfig.
class ConfigLoader
{
public:
    // Secrets shorter than this are refused (too weak for HS256) unless --dev is given.
    static constexpr int MinSecretBytes = 32;

    // arguments[0] is the program name, as in QCoreApplication::arguments(). Never prints,
    // exits or throws: main() prints result.text and picks the exit code. The version text
    // uses QCoreApplication::applicationName() and applicationVersion().
    static ConfigResult load(const QStringList &arguments, const QProcessEnvironment &env);
};

} // namespace Herald
