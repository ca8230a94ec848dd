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
    // The store could not say where the stream stands (its broker is down): the
    // session is closed with 1013, to come back later or on another node, rather
    // than welcomed at seq 0.
    bool storeUnavailable = false;
    bool resumeRequested = false;
    bool resumeOk = false; // false: the gap cannot be covered (trimmed, or another epoch)
    QList<StoredNotification> replay; // seq > since, oldest first
};

} // namespace Herald
