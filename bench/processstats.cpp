#include "processstats.h"

#include <QFile>
#include <QList>

#include <sys/resource.h>
#include <unistd.h>

namespace Herald::ProcessStats {

namespace {

QByteArray readProc(qint64 pid, const char *file)
{
    QFile f(QString::fromLatin1("/proc/%1/%2").arg(pid).arg(QLatin1StringView(file)));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

qint64 rssOf(qint64 pid)
{
    for (const QByteArray &line : readProc(pid, "status").split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

// utime and stime are fields 14 and 15; the command name (field 2) may hold spaces.
qint64 cpuOf(qint64 pid)
{
    const QByteArray stat = readProc(pid, "stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields[11].toLongLong() + fields[12].toLongLong();
    return ticks * 1000 / ::sysconf(_SC_CLK_TCK);
}

qint64 sum(const QList<qint64> &pids, qint64 (*of)(qint64))
{
    qint64 total = 0;
    for (qint64 pid : pids) {
        const qint64 value = of(pid);
        if (value < 0)
            return -1;
        total += value;
    }
    return pids.isEmpty() ? -1 : total;
}

} // namespace

qint64 rssBytes(const QList<qint64> &pids)
{
    return sum(pids, rssOf);
}

qint64 cpuMs(const QList<qint64> &pids)
{
    return sum(pids, cpuOf);
}

qint64 selfCpuMs()
{
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0)
        return -1;
    const auto ms = [](const timeval &t) { return qint64(t.tv_sec) * 1000 + t.tv_usec / 1000; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

} // namespace Herald::ProcessStats
