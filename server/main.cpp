#include "broker/brokermigration.h"
#include "config/configloader.h"
#include "config/devbanner.h"
#include "eventloopinstaller.h"
#include "heraldserver.h"
#include "logging.h"
#include "signalwatcher.h"
#include "systemdnotifier.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Herald;

namespace {

// What QCoreApplication::arguments() returns on Linux, before the application exists.
QStringList argumentsOf(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

} // namespace

int main(int argc, char *argv[])
{
    // The glib event loop makes fan-out to many sockets quadratic; the plain
    // Unix dispatcher does not (and --event-loop qt falls back to it).
    qputenv("QT_NO_GLIB", "1");
    // QT_MESSAGE_PATTERN in the environment still overrides this.
    qSetMessagePattern(
        QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"));
    QCoreApplication::setApplicationName(QStringLiteral("herald-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));

    // The configuration names the main thread's event dispatcher, which has to be in place
    // before the application object exists; so it is read from argv first.
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    ConfigResult result = ConfigLoader::load(argumentsOf(argc, argv), env);
    if (result.kind == ConfigResult::Kind::Run)
        EventLoopInstaller::installInMainThread(result.config.eventLoop);
    QCoreApplication app(argc, argv);
    // Help and errors again with the application's own arguments: its usage line names
    // the program only once the application object exists.
    if (result.kind != ConfigResult::Kind::Run)
        result = ConfigLoader::load(app.arguments(), env);
    switch (result.kind) {
    case ConfigResult::Kind::Help:
    case ConfigResult::Kind::Version:
        std::fputs(qPrintable(result.text + u'\n'), stdout);
        return 0;
    case ConfigResult::Kind::Error:
        std::fputs(qPrintable(QStringLiteral("herald-server: ") + result.text + u'\n'), stderr);
        return 2;
    case ConfigResult::Kind::Run:
        break;
    }

    // A one-shot command: copies the SQLite store into the broker and exits.
    if (result.config.migrateToBroker) {
        const BrokerMigration::Report report = BrokerMigration(result.config).run();
        const bool done = report.kind == BrokerMigration::Report::Kind::Done;
        std::fputs(qPrintable((done ? QString() : QStringLiteral("herald-server: ")) + report.text
                              + u'\n'),
                   done ? stdout : stderr);
        return report.exitCode();
    }

    HeraldServer server;
    if (!server.start(result.config)) {
        qCCritical(lcServer).noquote() << server.errorString();
        return 1;
    }
    if (result.config.devMode) {
        std::fputs(qPrintable(DevBanner::text(result.config, server.wsPort(), server.apiPort())),
                   stdout);
        std::fflush(stdout);
    }

    SystemdNotifier systemd;
    systemd.ready(server.wsPort(), server.apiPort());
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &systemd,
                     &SystemdNotifier::stopping);
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &server, &HeraldServer::stop);
    QObject::connect(&server, &HeraldServer::stopped, &app, &QCoreApplication::quit);
    // SIGHUP: the INI file and the secret files are read again, with the same arguments and
    // environment (which cannot change under a running process).
    server.setConfigSource(
        [arguments = app.arguments(), env] { return ConfigLoader::load(arguments, env); });
    QObject::connect(&signals, &SignalWatcher::reloadRequested, &server, [&server] {
        qCInfo(lcServer) << "SIGHUP: reading the configuration again";
        server.reloadFromSource();
    });
    return app.exec();
}
