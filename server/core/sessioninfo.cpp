#include "sessioninfo.h"

#include <QRandomGenerator>


#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QJsonObject SessionInfo::toJson() const
{
    QJsonObject json = countersJson();
    json.insert(u"user"_s, user);
    json.insert(u"connected_at"_s, connectedAt.toUTC().toString(Qt::ISODateWithMs));
    json.insert(u"remote_address"_s, remoteAddress);
    json.insert(u"user_agent"_s, userAgent);
    return json;
}

QJsonObject SessionInfo::countersJson() const
{
    const quint64 frames = counters ? counters->framesSent.load(std::memory_order_relaxed) : 0;
    const qint64 pong = counters ? counters->lastPongMs.load(std::memory_order_relaxed) : 0;
    return {{u"id"_s, id},
            {u"frames_sent"_s, double(frames)},
            {u"last_pong_at"_s, pong == 0 ? QJsonValue(QJsonValue::Null)
                                          : QJsonValue(QDateTime::fromMSecsSinceEpoch(pong, Qt::UTC)
                                                               .toString(Qt::ISODateWithMs))}};
}

QString SessionInfo::newId()
{
    static std::atomic<quint64> counter {0};
    const auto ms = quint64(QDateTime::currentMSecsSinceEpoch());
    return u"s_%1%2%3"_s.arg(ms, 12, 16, QChar(u'0'))
        .arg(counter.fetch_add(1, std::memory_order_relaxed) & 0xffffffff, 8, 16, QChar(u'0'))
        .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QChar(u'0'));
}

} // namespace Herald
