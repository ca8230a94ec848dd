#include "logging.h"

// Warnings by default: the console is a GUI, its terminal output is for debugging.
Q_LOGGING_CATEGORY(lcMonitorClient, "herald.monitor.client", QtWarningMsg)
Q_LOGGING_CATEGORY(lcMonitorModel, "herald.monitor.model", QtWarningMsg)
Q_LOGGING_CATEGORY(lcMonitorConfig, "herald.monitor.config", QtWarningMsg)
