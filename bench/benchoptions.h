#pragma once

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Herald {

// The three load shapes herald-bench can drive.
enum class Scenario {
    Notify, // one random user per POST /api/v1/notify
    Fanout, // many random users per POST /api/v1/notify
    Broadcast, // POST /api/v1/broadcast, one at a time, timing the fan-out
    Compare, // connect rate, memory per session and unicast latency against any --target
};

// Everything one herald-bench run needs, as one value.
struct BenchOptions
{
    QUrl wsUrl{QStringLiteral("ws://127.0.0.1:8080/ws")};
    QUrl apiUrl{QStringLiteral("http://127.0.0.1:8081")};
    QString tlsCaFile; // PEM certificate trusted for wss:// and https:// (a self-signed server)
    QByteArray secret;
    QByteArray apiKey;
    Scenario scenario = Scenario::Notify;
    int users = 1000;
    int sessionsPerUser = 2;
    int pushes = 10000;
    int concurrency = 32; // HTTP requests in flight
    int fanoutUsers = 1000; // users per push in the fanout scenario
    int connectBatch = 500; // sockets opened before waiting for their welcome frames
    int churn = 3; // compare: rounds of closing every session and opening it again
    int drainMs = 5000; // how long to wait for missing deliveries after the last reply
    // The compare scenario only:
    QString target = QStringLiteral("herald"); // herald, node-ws or nchan
    QList<qint64> serverPids; // whose VmRSS and CPU time are read
    int rate = 100; // msg/s of the unicast latency phase (--pushes of them)
    bool maxRate = false; // then step the rate up until loss or p99 >= 100 ms
    int stepMs = 2000; // length of each max-rate step
    int firstUser = 0; // the first user's number (processes sharing a cluster's users)
    bool listen = false; // connect, then only note the broadcasts heard
};

// What main() should do once the command line has been read.
struct BenchOptionsResult
{
    enum class Kind { Run, Help, Error };

    Kind kind = Kind::Error;
    BenchOptions options; // meaningful only for Run
    QString text; // Help: the help text. Error: one line naming the option.
};

// Parses herald-bench's command line; --secret and --api-key fall back to
// HERALD_SECRET and HERALD_API_KEY. Never prints or exits.
class BenchOptionsParser
{
public:
    static BenchOptionsResult parse(const QStringList &arguments, const QProcessEnvironment &env);

    static QString scenarioName(Scenario scenario);
};

} // namespace Herald
