#include "processinfo.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>

#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald::ProcessInfo {

qint64 residentBytes()
{
    QFile statm(u"/proc/self/statm"_s);
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * ::sysconf(_SC_PAGESIZE);
}

qint64 openDescriptors()
{
    const QDir fds(u"/proc/self/fd"_s);
    return fds.exists()
        ? fds.entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot).size() - 1
        : -1; // minus the one listing the folder
}

qint64 maxDescriptors()
{
    rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return -1;
    return qint64(limit.rlim_cur);
}

} // namespace Herald::ProcessInfo
