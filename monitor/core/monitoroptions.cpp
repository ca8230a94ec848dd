#include "monitoroptions.h"

#include "adminendpoint.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Herald::MonitorOptions", text);
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(tr("Operator console for herald-server."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"url"_s, tr("Server push API URL, e.g. http://127.0.0.1:8081."), u"url"_s},
        {u"token-env"_s, tr("Read the admin token from environment variable <name>."), u"name"_s},
        {u"token-file"_s, tr("Read the admin token from <file> (first line)."), u"file"_s},
        {u"profile"_s, tr("Open the saved server profile <name>."), u"name"_s},
    });
}

// Empty when the token options were usable (or absent); else the problem.
QString readToken(const QCommandLineParser &parser, const QProcessEnvironment &env,
                  QByteArray &token)
{
    if (parser.isSet(u"token-env"_s) && parser.isSet(u"token-file"_s))
        return tr("give --token-env or --token-file, not both");
    if (parser.isSet(u"token-env"_s)) {
        const QString name = parser.value(u"token-env"_s);
        token = env.value(name).trimmed().toUtf8();
        return token.isEmpty() ? tr("--token-env: %1 is not set or empty").arg(name) : QString();
    }
    if (!parser.isSet(u"token-file"_s))
        return {};
    QFile file(parser.value(u"token-file"_s));
    if (!file.open(QIODevice::ReadOnly))
        return u"--token-file: %1: %2"_s.arg(file.fileName(), file.errorString());
    token = file.readLine().trimmed();
    return token.isEmpty() ? tr("--token-file: %1 is empty").arg(file.fileName()) : QString();
}

} // namespace

MonitorOptions MonitorOptions::parse(const QStringList &arguments, const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(arguments))
        return error(parser.errorText());
    if (parser.isSet(u"help"_s))
        return {Kind::Help, parser.helpText(), {}, {}, {}};
    if (parser.isSet(u"version"_s))
        return {Kind::Version, QCoreApplication::applicationVersion(), {}, {}, {}};
    if (!parser.positionalArguments().isEmpty())
        return error(tr("unexpected argument: %1").arg(parser.positionalArguments().first()));
    MonitorOptions options;
    options.profile = parser.value(u"profile"_s);
    if (parser.isSet(u"url"_s)) {
        QString problem;
        const auto url = AdminEndpoint::parseApiUrl(parser.value(u"url"_s), &problem);
        if (!url)
            return error(u"--url: "_s + problem);
        options.apiUrl = *url;
    }
    const QString tokenProblem = readToken(parser, env, options.token);
    if (!tokenProblem.isEmpty())
        return error(tokenProblem);
    return options;
}

MonitorOptions MonitorOptions::error(const QString &text)
{
    MonitorOptions options;
    options.kind = Kind::Error;
    options.text = text;
    return options;
}

} // namespace Herald
