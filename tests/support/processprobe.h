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
    // A test's bound on RSS growth: \a bytes, or four times that under ASan, whose
    // quarantine keeps freed memory resident, so that RSS there follows how much was
    // allocated, which grows with how long a busy machine lets an attack run.
    static qint64 rssBudget(qint64 bytes);
};

} // namespace Herald::Test
