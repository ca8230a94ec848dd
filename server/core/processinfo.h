#pragma once

#include <QtGlobal>

namespace Herald::ProcessInfo {

// Resident memory of this process, from /proc/self/statm; 0 if unreadable.
qint64 residentBytes();
// Descriptors open now (entries of /proc/self/fd), or -1.
qint64 openDescriptors();
// The soft RLIMIT_NOFILE, or -1 when unlimited or unknown.
qint64 maxDescriptors();

} // namespace Herald::ProcessInfo
