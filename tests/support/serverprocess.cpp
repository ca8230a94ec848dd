#include "serverprocess.h"

#include <QRegularExpression>
#include <QTest>

#include <csignal>

#include <sys/resource.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

QString ServerProcess::binary()
{
    return QStringLiteral(HERALD_SERVER_BINARY);
}

QProcessEnvironment ServerProcess::cleanEnvironment()
{
    QProcessEnvironment env;
    env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
    env.insert(u"QT_NO_GLIB"_s, u"1"_s);
    // CI runs the suite once per event dispatcher.
    if (const QString loop = qEnvironmentVariable("HERALD_EVENT_LOOP"); !loop.isEmpty())
        env.insert(u"HERALD_EVENT_LOOP"_s, loop);
    return env;
}

QProcessEnvironment ServerProcess::environmentWithSecrets()
{
    QProcessEnvironment env = cleanEnvironment();
    env.insert(u"HERALD_SECRET"_s, QString::fromLatin1(Secret));
    env.insert(u"HERALD_API_KEY"_s, QString::fromLatin1(ApiKey));
    return env;
}

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool ServerProcess::start(const QStringList &arguments, const QProcessEnvironment &env, Ports ports)
{
    m_log.clear();
    m_process.setProcessEnvironment(env);
    const QStringList free{u"--ws-port"_s, u"0"_s, u"--api-port"_s, u"0"_s};
    m_process.start(binary(), (ports == Ports::Free ? free : QStringList()) + arguments);
    static const QRegularExpression listening(
        uR"(listening: WebSocket \S+ (\d+) .*push API \S+ (\d+))"_s);
    QRegularExpressionMatch match;
    const bool done = QTest::qWaitFor(
        [&] {
            m_log += m_process.readAllStandardError();
            match = listening.match(QString::fromUtf8(m_log));
            return match.hasMatch() || m_process.state() == QProcess::NotRunning;
        },
        30000);
    if (!done || !match.hasMatch()) {
        qWarning().noquote() << "herald-server did not start:" << m_log;
        return false;
    }
    m_wsPort = quint16(match.captured(1).toUInt());
    m_apiPort = quint16(match.captured(2).toUInt());
    return true;
}

void ServerProcess::setOpenFileLimit(int descriptors)
{
    m_process.setChildProcessModifier([descriptors] {
        const rlimit limit{rlim_t(descriptors), rlim_t(descriptors)};
        ::setrlimit(RLIMIT_NOFILE, &limit);
    });
}

void ServerProcess::kill()
{
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(10000);
}

bool ServerProcess::terminate(int timeoutMs)
{
    // Not running: its pid reads 0, and kill(0) would signal this whole process group.
    if (const qint64 pid = m_process.processId(); pid > 0)
        ::kill(pid_t(pid), SIGTERM);
    const bool exited
        = QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs);
    m_log += m_process.readAllStandardError();
    return exited && m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

} // namespace Herald::Test
