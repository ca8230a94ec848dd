#include "ws/sessioninfo.h"

#include <QRandomGenerator>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminSessionRecord SessionInfo::record() const
{
    return {id, user, remoteAddress, userAgent, connectedAt, liveCounters()};
}

AdminSessionCounters SessionInfo::liveCounters() const
{
    const quint64 frames = counters ? counters->framesSent.load(std::memory_order_relaxed) : 0;
    const qint64 pong = counters ? counters->lastPongMs.load(std::memory_order_relaxed) : 0;
    return {qint64(frames),
            pong == 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(pong, Qt::UTC)};
}

QString SessionInfo::newId()
{
    static std::atomic<quint64> counter{0};
    const auto ms = quint64(QDateTime::currentMSecsSinceEpoch());
    return u"s_%1%2%3"_s.arg(ms, 12, 16, QChar(u'0'))
        .arg(counter.fetch_add(1, std::memory_order_relaxed) & 0xffffffff, 8, 16, QChar(u'0'))
        .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QChar(u'0'));
}

} // namespace Herald
