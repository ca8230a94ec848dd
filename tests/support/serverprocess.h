#pragma once

#include <QProcess>
#include <QStringList>

namespace Herald::Test {

// The real herald-server binary on free ports, as an operator would run it.
class ServerProcess
{
public:
    static constexpr const char *Secret = "process-test-secret-0123456789abcdefghijkl";
    static constexpr const char *ApiKey = "process-test-api-key-0123456789abcdefghij";

    static QString binary(); // the herald-server built with these tests

    // PATH, QT_NO_GLIB and HERALD_EVENT_LOOP (when set) only: nothing else leaks in from
    // the test's environment.
    static QProcessEnvironment cleanEnvironment();
    // cleanEnvironment() plus the two test secrets.
    static QProcessEnvironment environmentWithSecrets();

    ~ServerProcess();

    // Free: --ws-port 0 --api-port 0 come first; Configured: the ports come from
    // the arguments, the environment or the INI file (flags would beat the file).
    enum class Ports { Free, Configured };

    // Starts the binary with --ws-port 0 --api-port 0 (Ports::Free) and \a arguments,
    // and reads the ports from its start-up log line. False if it did not start.
    bool start(const QStringList &arguments, const QProcessEnvironment &env,
               Ports ports = Ports::Free);
    // The next start() runs the server with RLIMIT_NOFILE at \a descriptors (soft and hard).
    void setOpenFileLimit(int descriptors);
    void kill(); // SIGKILL: no shutdown at all
    bool terminate(int timeoutMs = 30000); // SIGTERM; true when it exited 0

    QProcess &process() { return m_process; }
    quint16 wsPort() const { return m_wsPort; }
    quint16 apiPort() const { return m_apiPort; }
    // Everything the server has written to stderr so far.
    QByteArray log()
    {
        m_log += m_process.readAllStandardError();
        return m_log;
    }

private:
    QProcess m_process;
    QByteArray m_log;
    quint16 m_wsPort = 0;
    quint16 m_apiPort = 0;
};

} // namespace Herald::Test
