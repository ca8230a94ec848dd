#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMonitorClient)
Q_DECLARE_LOGGING_CATEGORY(lcMonitorModel)
Q_DECLARE_LOGGING_CATEGORY(lcMonitorConfig)
