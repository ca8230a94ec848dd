#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMonitorUi)
Q_DECLARE_LOGGING_CATEGORY(lcMonitorKeyring)
