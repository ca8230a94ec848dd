#include "eventlooplogging.h"

// Warnings only: the dispatcher speaks up when a descriptor is unusable, never per event.
Q_LOGGING_CATEGORY(lcEventLoop, "herald.eventloop", QtWarningMsg)
