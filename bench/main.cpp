#include "benchoptions.h"
#include "benchrunner.h"
#include "comparerunner.h"
#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QSslConfiguration>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace Herald;
using namespace Qt::Literals::StringLiterals;

namespace {

// Every session is a socket: take all the descriptors the hard limit allows.
void raiseFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            std::perror("herald-bench: setrlimit(RLIMIT_NOFILE)");
    }
}

} // namespace

int main(int argc, char *argv[])
{
    raiseFileLimit();
    // The glib event loop makes thousands of sockets quadratic, and Qt's Unix one polls
    // every socket on each wake-up: with 10,000 sessions that made the load generator
    // the bottleneck. herald-server's epoll dispatcher costs per ready socket only.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"herald-bench"_s);

    const BenchOptionsResult result
        = BenchOptionsParser::parse(app.arguments(), QProcessEnvironment::systemEnvironment());
    if (result.kind == BenchOptionsResult::Kind::Help) {
        std::fputs(qPrintable(result.text), stdout);
        return 0;
    }
    if (result.kind == BenchOptionsResult::Kind::Error) {
        std::fputs(qPrintable(u"herald-bench: "_s + result.text + u'\n'), stderr);
        return 2;
    }

    const BenchOptions &options = result.options;
    if (!options.tlsCaFile.isEmpty()) {
        // The only CA every socket of this process trusts: Qt loads the CA list
        // into a new OpenSSL context per connection, so the system's would cost
        // more than the handshake.
        const QList<QSslCertificate> trusted = QSslCertificate::fromPath(options.tlsCaFile);
        if (trusted.isEmpty()) {
            std::fputs(qPrintable(u"herald-bench: --tls-ca: no PEM certificate in "_s
                                  + options.tlsCaFile + u'\n'),
                       stderr);
            return 2;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(trusted);
        QSslConfiguration::setDefaultConfiguration(tls);
    }
    if (options.scenario == Scenario::Compare) {
        CompareRunner::Settings settings;
        settings.sessions = options.users;
        settings.connectBatch = options.connectBatch;
        settings.churnRounds = options.churn;
        settings.serverPids = options.serverPids;
        settings.rate = options.rate;
        settings.latencyPushes = options.pushes;
        settings.maxRate = options.maxRate;
        settings.firstUser = options.firstUser;
        settings.listen = options.listen;
        settings.stepMs = options.stepMs;
        settings.drainMs = std::min(options.drainMs, 2000);
        CompareRunner runner(PeerTarget(*PeerTarget::kindFromName(options.target), options.wsUrl,
                                        options.apiUrl, options.secret, options.apiKey),
                             settings);
        QObject::connect(&runner, &CompareRunner::finished, &app, &QCoreApplication::exit);
        runner.start();
        return app.exec();
    }
    BenchRunner runner(options);
    QObject::connect(&runner, &BenchRunner::finished, &app, &QCoreApplication::exit);
    runner.start();
    return app.exec();
}
