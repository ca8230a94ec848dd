#include "processprobe.h"

#include <QFile>
#include <QList>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

namespace {

QByteArray procFile(qint64 pid, const char *name)
{
    const QString path = pid == 0 ? u"/proc/self/"_s + QLatin1StringView(name)
                                  : u"/proc/%1/%2"_s.arg(pid).arg(QLatin1StringView(name));
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

qint64 ProcessProbe::residentBytes(qint64 pid)
{
    for (const QByteArray &line : procFile(pid, "status").split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024; // "1234 kB"
    }
    return 0;
}

double ProcessProbe::cpuSeconds(qint64 pid)
{
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const QByteArray stat = procFile(pid, "stat");
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    const double ticks = double(fields.value(11).toLongLong() + fields.value(12).toLongLong());
    return ticks / double(::sysconf(_SC_CLK_TCK));
}

qint64 ProcessProbe::rssBudget(qint64 bytes)
{
#ifdef HERALD_SANITIZED
    return 4 * bytes;
#else
    return bytes;
#endif
}

} // namespace Herald::Test
