#include "redisprocess.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

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
    const QString binary = QStandardPaths::findExecutable(u"redis-server"_s);
    if (binary.isEmpty()) {
        *error = u"redis-server is not installed (apt-get install redis-server)"_s;
        return false;
    }
    m_port = port ? port : freePort();
    QStringList args{u"--port"_s, QString::number(m_port), u"--bind"_s, u"127.0.0.1"_s, u"--save"_s,
                     QString(),   u"--daemonize"_s,        u"no"_s};
    if (appendDir.isEmpty())
        args << u"--appendonly"_s << u"no"_s;
    else
        args << u"--appendonly"_s << u"yes"_s << u"--appendfsync"_s << u"always"_s << u"--dir"_s
             << appendDir;
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
    m_process.terminate();
    if (m_process.waitForFinished(StartTimeoutMs))
        return true;
    m_process.kill();
    return m_process.waitForFinished(StartTimeoutMs);
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
    while (!reply.endsWith("\r\n") && socket.waitForReadyRead(5000))
        reply += socket.readAll();
    return reply;
}

} // namespace Herald::Test
