#include "redisprocess.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <csignal>
#include <sys/types.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {
namespace {

constexpr int StartTimeoutMs = 20000;

// Below Linux's ephemeral range (32768-60999): a restart on the same port must not find
// it taken by some test's outgoing connection or port-0 listener meanwhile.
quint16 freePort()
{
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(QRandomGenerator::global()->bounded(20000, 32000));
        QTcpServer server;
        if (server.listen(QHostAddress::LocalHost, port))
            return port;
    }
    return 0;
}

// Where the RESP value starting at \a pos ends; -1 while it is incomplete.
qsizetype valueEnd(const QByteArray &reply, qsizetype pos)
{
    const qsizetype lineEnd = reply.indexOf("\r\n", pos);
    if (lineEnd < 0)
        return -1;
    const qint64 length = reply.mid(pos + 1, lineEnd - pos - 1).toLongLong();
    switch (reply.at(pos)) {
    case '$':
        if (length < 0)
            return lineEnd + 2;
        return reply.size() >= lineEnd + 2 + length + 2 ? lineEnd + 2 + length + 2 : -1;
    case '*': {
        qsizetype next = lineEnd + 2;
        for (qint64 i = 0; i < length && next >= 0; ++i)
            next = next < reply.size() ? valueEnd(reply, next) : -1;
        return next;
    }
    default: // +simple, -error, :integer
        return lineEnd + 2;
    }
}

bool isWhole(const QByteArray &reply)
{
    return !reply.isEmpty() && valueEnd(reply, 0) >= 0;
}

} // namespace

RedisProcess::~RedisProcess()
{
    stop();
}

QString RedisProcess::url() const
{
    return u"redis://127.0.0.1:%1"_s.arg(m_port);
}

bool RedisProcess::start(QString *error, quint16 port, const QString &appendDir)
{
    m_port = port ? port : freePort();
    if (appendDir.isEmpty())
        return launch(error, {u"--appendonly"_s, u"no"_s});
    return launch(
        error,
        {u"--appendonly"_s, u"yes"_s, u"--appendfsync"_s, u"always"_s, u"--dir"_s, appendDir});
}

bool RedisProcess::startReplica(QString *error, quint16 masterPort, const QString &dir,
                                quint16 port)
{
    m_port = port ? port : freePort();
    return launch(error,
                  {u"--appendonly"_s, u"no"_s, u"--dir"_s, dir, u"--replicaof"_s, u"127.0.0.1"_s,
                   QString::number(masterPort)});
}

bool RedisProcess::isSynced() const
{
    return command({"INFO", "replication"}).contains("master_link_status:up");
}

bool RedisProcess::launch(QString *error, const QStringList &extraArgs)
{
    const QString binary = QStandardPaths::findExecutable(u"redis-server"_s);
    if (binary.isEmpty()) {
        *error = u"redis-server is not installed (apt-get install redis-server)"_s;
        return false;
    }
    const QStringList args
        = QStringList{u"--port"_s, QString::number(m_port), u"--bind"_s, u"127.0.0.1"_s,
                      u"--save"_s, QString(), u"--daemonize"_s, u"no"_s,
                      // a replica's first sync starts at once, not after 5 s
                      u"--repl-diskless-sync-delay"_s, u"0"_s}
        + extraArgs;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(binary, args);
    if (!m_process.waitForStarted()) {
        *error = u"redis-server did not start: "_s + m_process.errorString();
        return false;
    }
    QByteArray output;
    const QDeadlineTimer deadline(StartTimeoutMs);
    while (!output.contains("Ready to accept connections") && !deadline.hasExpired()
           && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(100);
        output += m_process.readAll();
    }
    if (command({"PING"}) != "+PONG\r\n") {
        *error = u"redis-server on port %1 is not answering: %2"_s.arg(m_port).arg(
            QString::fromUtf8(output.right(500)));
        return false;
    }
    return true;
}

bool RedisProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    thaw(); // a frozen one would not act on SIGTERM
    m_process.terminate();
    if (m_process.waitForFinished(StartTimeoutMs))
        return true;
    m_process.kill();
    return m_process.waitForFinished(StartTimeoutMs);
}

bool RedisProcess::freeze()
{
    return m_process.processId() > 0 && ::kill(pid_t(m_process.processId()), SIGSTOP) == 0;
}

bool RedisProcess::thaw()
{
    return m_process.processId() > 0 && ::kill(pid_t(m_process.processId()), SIGCONT) == 0;
}

QByteArray RedisProcess::command(const QList<QByteArray> &args) const
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(5000))
        return {};
    return command(socket, args);
}

bool RedisProcess::openConsole(QTcpSocket &socket) const
{
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    return socket.waitForConnected(5000);
}

QByteArray RedisProcess::command(QTcpSocket &socket, const QList<QByteArray> &args)
{
    QByteArray request = '*' + QByteArray::number(args.size()) + "\r\n";
    for (const QByteArray &arg : args)
        request += '$' + QByteArray::number(arg.size()) + "\r\n" + arg + "\r\n";
    socket.write(request);
    QByteArray reply;
    while (!isWhole(reply) && socket.waitForReadyRead(5000))
        reply += socket.readAll();
    return reply;
}

} // namespace Herald::Test
