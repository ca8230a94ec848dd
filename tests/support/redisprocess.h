#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QString>

class QTcpSocket;

namespace Herald::Test {

// A real redis-server for one test: on a free port of 127.0.0.1, without persistence
// (--save '' --appendonly no) unless given a folder for an append-only file, stopped by
// its PID. Without redis-server installed start() fails: CI installs it, so a missing
// one is an error, not a reason to skip.
class RedisProcess
{
public:
    ~RedisProcess();

    // Starts it, on \a port or a free one (0), and waits until it accepts commands.
    // \a appendDir: keep an append-only file there (fsync always), so that a restart on
    // the same port finds the data again. False and *error if it did not start.
    bool start(QString *error, quint16 port = 0, const QString &appendDir = QString());
    // Starts it as a replica of the Redis on \a masterPort (--replicaof), keeping the copy
    // a sync may write in \a dir; it accepts commands before its first sync, see isSynced().
    bool startReplica(QString *error, quint16 masterPort, const QString &dir, quint16 port = 0);
    // A replica whose link to its master is up (INFO replication).
    bool isSynced() const;
    bool stop(); // SIGTERM, then waits for it to exit; true once it has
    // SIGSTOP / SIGCONT: a frozen Redis keeps its connections but answers nothing (a
    // replica then acknowledges nothing, and its master does not notice for a minute).
    bool freeze();
    bool thaw();
    quint16 port() const { return m_port; }
    QString url() const; // redis://127.0.0.1:<port>

    // Runs one command on a fresh connection; the raw RESP answer, empty on failure.
    QByteArray command(const QList<QByteArray> &args) const;
    // A connection of its own, which stays when Redis takes no new ones (maxclients).
    bool openConsole(QTcpSocket &socket) const;
    // Runs one command on a console (a one-line answer: status, error or integer).
    static QByteArray command(QTcpSocket &socket, const QList<QByteArray> &args);

private:
    bool launch(QString *error, const QStringList &extraArgs);

    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace Herald::Test
