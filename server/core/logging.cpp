#include "logging.h"

// Info by default: one line per connect, disconnect and push is the daemon's log.
Q_LOGGING_CATEGORY(lcServer, "herald.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "herald.server.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "herald.server.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHeartbeat, "herald.server.heartbeat", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "herald.server.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAdmin, "herald.server.admin", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBroker, "herald.server.broker", QtInfoMsg)
