#include "logging.h"

Q_LOGGING_CATEGORY(lcMonitorUi, "herald.monitor.ui", QtWarningMsg)
Q_LOGGING_CATEGORY(lcMonitorKeyring, "herald.monitor.keyring", QtWarningMsg)
