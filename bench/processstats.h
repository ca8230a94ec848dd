#pragma once

#include <QList>

namespace Herald {

// Figures of other processes (the server under test) read from /proc, and this
// process's own CPU time. Each returns -1 when a figure cannot be read.
namespace ProcessStats {

qint64 rssBytes(const QList<qint64> &pids); // sum of VmRSS over pids
qint64 cpuMs(const QList<qint64> &pids); // sum of utime + stime over pids
qint64 selfCpuMs(); // this process, user + system

} // namespace ProcessStats

} // namespace Herald
