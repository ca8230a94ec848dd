#pragma once

#include "frames.h"
#include "notificationstore.h"

#include <optional>

namespace Herald {

// What a client that reconnects says it has seen: ?since=<seq>&epoch=<epoch>.
struct ResumePoint
{
    qint64 since = 0;
    QString epoch;
};

// The store's answer when a session opens: what the welcome frame reports
// and, for a resuming client, what it missed.
struct SessionStart
{
    Frames::StreamPosition position;
    bool resumeRequested = false;
    bool resumeOk = false; // false: the gap cannot be covered (trimmed, or another epoch)
    QList<StoredNotification> replay; // seq > since, oldest first
};

} // namespace Herald
