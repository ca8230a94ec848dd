#include "sessioninfo.h"

#include <QRandomGenerator>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QJsonObject SessionInfo::toJson() const
{
    return {{u"id"_s, id},
            {u"user"_s, user},
            {u"connected_at"_s, connectedAt.toUTC().toString(Qt::ISODateWithMs)},
            {u"remote_address"_s, remoteAddress},
            {u"user_agent"_s, userAgent}};
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
