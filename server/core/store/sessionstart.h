#pragma once

#include "frames.h"
#include "notificationstore.h"
#include "resumepoint.h"

#include <optional>

namespace Herald {

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
