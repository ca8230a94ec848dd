#pragma once

#include <QtGlobal>

namespace Herald::Test {

// What a process costs, from /proc: resident memory (VmRSS) and CPU time.
// A pid of 0 means this process.
class ProcessProbe
{
public:
    static qint64 residentBytes(qint64 pid = 0);
    static double cpuSeconds(qint64 pid = 0); // user + system, all threads
};

} // namespace Herald::Test
