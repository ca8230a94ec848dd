#include "benchoptions.h"

#include <QCommandLineParser>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

struct IntOption
{
    QString name;
    int *target;
    int min;
    int max;
};

std::optional<Scenario> scenarioFromName(const QString &name)
{
    for (Scenario scenario :
         {Scenario::Notify, Scenario::Fanout, Scenario::Broadcast, Scenario::Compare}) {
        if (name == BenchOptionsParser::scenarioName(scenario))
            return scenario;
    }
    return std::nullopt;
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        u"Load generator for herald-server: opens WebSocket sessions, pushes notifications "
        u"through the API and checks every delivery."_s);
    parser.addHelpOption();
    parser.addOptions({
        {u"ws-url"_s, u"WebSocket endpoint (default ws://127.0.0.1:8080/ws)."_s, u"url"_s},
        {u"api-url"_s, u"Push API base URL (default http://127.0.0.1:8081)."_s, u"url"_s},
        {u"tls-ca"_s, u"PEM certificate to trust for wss:// and https:// (self-signed)."_s,
         u"file"_s},
        {u"secret"_s, u"Token secret (default: $HERALD_SECRET)."_s, u"secret"_s},
        {u"api-key"_s, u"API bearer key (default: $HERALD_API_KEY)."_s, u"key"_s},
        {u"scenario"_s, u"notify, fanout, broadcast or compare (default notify)."_s, u"name"_s},
        {u"users"_s, u"Distinct users (default 1000)."_s, u"n"_s},
        {u"sessions-per-user"_s, u"WebSocket sessions per user (default 2)."_s, u"n"_s},
        {u"pushes"_s, u"API calls to make (default 10000)."_s, u"n"_s},
        {u"concurrency"_s, u"HTTP requests in flight (default 32)."_s, u"n"_s},
        {u"fanout-users"_s, u"Users per call in the fanout scenario (default 1000)."_s, u"n"_s},
        {u"connect-batch"_s, u"Sockets opened per batch (default 500)."_s, u"n"_s},
        {u"drain-ms"_s, u"Wait for late deliveries after the last reply (default 5000)."_s,
         u"ms"_s},
        {u"target"_s, u"compare: herald, node-ws or nchan (default herald)."_s, u"name"_s},
        {u"server-pid"_s, u"compare: server PIDs for RSS and CPU, comma-separated."_s, u"pids"_s},
        {u"rate"_s, u"compare: unicast msg/s of the latency phase (default 100)."_s, u"n"_s},
        {u"max-rate"_s, u"compare: then step the unicast rate up to the limit."_s},
        {u"step-ms"_s, u"compare: length of each max-rate step (default 2000)."_s, u"ms"_s},
        {u"first-user"_s, u"compare: number of the first user (default 0)."_s, u"n"_s},
        {u"listen"_s,
         u"compare: connect, then only report when each broadcast sent by another "
         u"process reached the last session here, at SIGTERM."_s},
        {u"churn"_s,
         u"compare: rounds of closing every session and opening it again, memory measured "
         u"after each (default 3)."_s,
         u"n"_s},
    });
}

// Returns the error line, or an empty string.
QString readNumbers(const QCommandLineParser &parser, BenchOptions &options)
{
    const IntOption numbers[] = {
        {u"users"_s, &options.users, 1, 1000000},
        {u"sessions-per-user"_s, &options.sessionsPerUser, 1, 1000},
        {u"pushes"_s, &options.pushes, 1, 100000000},
        {u"concurrency"_s, &options.concurrency, 1, 1024},
        {u"fanout-users"_s, &options.fanoutUsers, 1, 10000},
        {u"connect-batch"_s, &options.connectBatch, 1, 100000},
        {u"drain-ms"_s, &options.drainMs, 0, 600000},
        {u"rate"_s, &options.rate, 1, 1000000},
        {u"step-ms"_s, &options.stepMs, 100, 600000},
        {u"churn"_s, &options.churn, 0, 100},
        {u"first-user"_s, &options.firstUser, 0, 100000000},
    };
    for (const IntOption &number : numbers) {
        if (!parser.isSet(number.name))
            continue;
        bool ok = false;
        const int value = parser.value(number.name).toInt(&ok);
        if (!ok || value < number.min || value > number.max) {
            return u"--%1 must be a whole number from %2 to %3"_s.arg(number.name)
                .arg(number.min)
                .arg(number.max);
        }
        *number.target = value;
    }
    return {};
}

QString readUrls(const QCommandLineParser &parser, BenchOptions &options)
{
    if (parser.isSet(u"ws-url"_s))
        options.wsUrl = QUrl(parser.value(u"ws-url"_s));
    if (parser.isSet(u"api-url"_s))
        options.apiUrl = QUrl(parser.value(u"api-url"_s));
    if (!options.wsUrl.isValid() || !options.wsUrl.scheme().startsWith(u"ws"_s))
        return u"--ws-url must be a ws:// or wss:// URL"_s;
    if (!options.apiUrl.isValid() || !options.apiUrl.scheme().startsWith(u"http"_s))
        return u"--api-url must be an http:// or https:// URL"_s;
    if (options.wsUrl.path().isEmpty())
        options.wsUrl.setPath(u"/ws"_s);
    options.tlsCaFile = parser.value(u"tls-ca"_s);
    return {};
}

QString readSecrets(const QCommandLineParser &parser, const QProcessEnvironment &env,
                    BenchOptions &options)
{
    options.secret
        = (parser.isSet(u"secret"_s) ? parser.value(u"secret"_s) : env.value(u"HERALD_SECRET"_s))
              .toUtf8();
    options.apiKey
        = (parser.isSet(u"api-key"_s) ? parser.value(u"api-key"_s) : env.value(u"HERALD_API_KEY"_s))
              .toUtf8();
    if (options.secret.isEmpty())
        return u"no token secret: pass --secret or set HERALD_SECRET"_s;
    if (options.apiKey.isEmpty())
        return u"no API key: pass --api-key or set HERALD_API_KEY"_s;
    return {};
}

QString readCompare(const QCommandLineParser &parser, BenchOptions &options)
{
    if (parser.isSet(u"target"_s))
        options.target = parser.value(u"target"_s);
    if (!QStringList{u"herald"_s, u"node-ws"_s, u"nchan"_s}.contains(options.target))
        return u"--target must be herald, node-ws or nchan"_s;
    if (options.target != u"herald"_s && options.scenario != Scenario::Compare)
        return u"--target other than herald needs --scenario compare"_s;
    const QStringList pids = parser.value(u"server-pid"_s).split(u',', Qt::SkipEmptyParts);
    for (const QString &text : pids) {
        bool ok = false;
        const qint64 pid = text.trimmed().toLongLong(&ok);
        if (!ok || pid <= 0)
            return u"--server-pid must be process ids separated by commas"_s;
        options.serverPids.append(pid);
    }
    options.maxRate = parser.isSet(u"max-rate"_s);
    options.listen = parser.isSet(u"listen"_s);
    if (options.listen && options.scenario != Scenario::Compare)
        return u"--listen needs --scenario compare"_s;
    return {};
}

} // namespace

QString BenchOptionsParser::scenarioName(Scenario scenario)
{
    switch (scenario) {
    case Scenario::Notify:
        return u"notify"_s;
    case Scenario::Fanout:
        return u"fanout"_s;
    case Scenario::Broadcast:
        return u"broadcast"_s;
    case Scenario::Compare:
        return u"compare"_s;
    }
    return {};
}

BenchOptionsResult BenchOptionsParser::parse(const QStringList &arguments,
                                             const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    addOptions(parser);
    BenchOptionsResult result;
    if (!parser.parse(arguments)) {
        result.text = parser.errorText();
        return result;
    }
    if (parser.isSet(u"help"_s))
        return {BenchOptionsResult::Kind::Help, {}, parser.helpText()};
    BenchOptions &options = result.options;
    const auto scenario = scenarioFromName(
        parser.value(u"scenario"_s).isEmpty() ? u"notify"_s : parser.value(u"scenario"_s));
    if (!scenario) {
        result.text = u"--scenario must be notify, fanout, broadcast or compare"_s;
        return result;
    }
    options.scenario = *scenario;
    result.text = readNumbers(parser, options);
    if (result.text.isEmpty())
        result.text = readUrls(parser, options);
    if (result.text.isEmpty())
        result.text = readCompare(parser, options);
    // The peers need neither secret; herald always does.
    if (result.text.isEmpty() && options.target == u"herald"_s)
        result.text = readSecrets(parser, env, options);
    if (result.text.isEmpty())
        result.kind = BenchOptionsResult::Kind::Run;
    return result;
}

} // namespace Herald
