#pragma once

#include "admin/adminstats.h"

#include <QElapsedTimer>
#include <QJsonObject>

namespace Herald {

// Turns a node's running totals (the body of /api/v1/stats) into a "stats" frame: pushes,
// frames and bytes per second since the previous sample, the process's RSS and the time.
class AdminStatsSampler
{
public:
    void reset(const QJsonObject &totals); // the next sample's rates count from here
    AdminStats sample(const QJsonObject &totals);

private:
    struct Figures
    {
        qint64 pushes = 0;
        qint64 frames = 0;
        qint64 bytes = 0;
    };
    static Figures figures(const AdminStats &totals);

    QElapsedTimer m_since;
    Figures m_last;
};

} // namespace Herald
