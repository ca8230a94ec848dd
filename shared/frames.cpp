#include "frames.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Frames {

QString welcome(const QString &sessionId, const QString &user, int heartbeatMs)
{
    const QJsonObject frame {{u"type"_s, u"welcome"_s},
                             {u"session"_s, sessionId},
                             {u"user"_s, user},
                             {u"heartbeat_s"_s, heartbeatMs / 1000.0}};
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

} // namespace Herald::Frames
