#pragma once

#include <QString>

namespace Herald {

// What a client that reconnects says it has seen: ?since=<seq>&epoch=<epoch>.
struct ResumePoint
{
    qint64 since = 0;
    QString epoch;
};

} // namespace Herald
