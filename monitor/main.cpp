#include "mainwindow.h"
#include "monitor.h"
#include "monitoroptions.h"
#include "profilestore.h"
#include "tokenstorefactory.h"

#include <QApplication>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <optional>

using namespace Herald;

namespace {

// Help, version and bad arguments end the program here: the exit code.
std::optional<int> exitEarly(const MonitorOptions &options)
{
    switch (options.kind) {
    case MonitorOptions::Kind::Help:
    case MonitorOptions::Kind::Version:
        std::fputs(qPrintable(options.text + u'\n'), stdout);
        return 0;
    case MonitorOptions::Kind::Error:
        std::fputs(qPrintable(QStringLiteral("herald-monitor: ") + options.text + u'\n'), stderr);
        return 2;
    case MonitorOptions::Kind::Run:
        break;
    }
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Herald"));
    QApplication::setApplicationName(QStringLiteral("herald-monitor"));
    QApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/herald.svg")));

    const MonitorOptions options
        = MonitorOptions::parse(app.arguments(), QProcessEnvironment::systemEnvironment());
    if (const auto code = exitEarly(options))
        return *code;

    // Profiles (names and URLs only) in QSettings; tokens in the keyring or memory.
    QSettings settings;
    ProfileStore profiles(settings);
    const std::unique_ptr<TokenStore> tokens = TokenStoreFactory::create();
    Monitor monitor;
    MainWindow window(monitor, profiles, *tokens);
    window.show();
    // With --url and a token there is nothing to ask: connect straight away.
    if (options.canAutoConnect())
        monitor.connectTo({options.apiUrl, options.token});
    else
        QTimer::singleShot(0, &window, [&window, &options] {
            window.showConnectDialogFor(options.profile, options.apiUrl);
        });
    return app.exec();
}
