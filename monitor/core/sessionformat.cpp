#include "sessionformat.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QString SessionFormat::age(const QDateTime &then, const QDateTime &now)
{
    const qint64 seconds = then.secsTo(now);
    if (seconds < 1)
        return tr("just now"); // also when the two clocks disagree a little
    if (seconds < 60)
        return tr("%1 s ago").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min ago").arg(seconds / 60);
    if (seconds < 86400)
        return tr("%1 h ago").arg(seconds / 3600);
    return then.toLocalTime().toString(u"yyyy-MM-dd hh:mm"_s);
}

QString SessionFormat::duration(qint64 seconds)
{
    if (seconds < 3600)
        return u"%1m %2s"_s.arg(seconds / 60).arg(seconds % 60);
    return u"%1h %2m"_s.arg(seconds / 3600).arg(seconds % 3600 / 60);
}

QString SessionFormat::lastPong(const AdminSessionCounters &counters, const QDateTime &now)
{
    if (!counters.lastPongAt)
        return {};
    if (!counters.lastPongAt->isValid())
        return tr("not yet");
    return age(*counters.lastPongAt, now);
}

QString SessionFormat::lastPongToolTip(const AdminSessionCounters &counters, const QDateTime &now)
{
    if (!counters.lastPongAt)
        return tr("This server does not report heartbeat pongs");
    if (!counters.lastPongAt->isValid())
        return tr("No heartbeat pong received yet");
    return tr("Last heartbeat pong: %1 (%2)")
        .arg(counters.lastPongAt->toLocalTime().toString(u"yyyy-MM-dd hh:mm:ss"_s),
             age(*counters.lastPongAt, now));
}

QString SessionFormat::framesSentToolTip(const AdminSessionCounters &counters)
{
    if (!counters.framesSent)
        return tr("This server does not report frames sent per session");
    return tr("Frames sent to this session: %1").arg(QLocale().toString(*counters.framesSent));
}

} // namespace Herald
