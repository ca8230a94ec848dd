#include "notificationstore.h"

#include "frames.h"
#include "jsontext.h"
#include "notification.h"

#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QJsonObject StoredNotification::toJson() const
{
    QJsonObject json{{u"seq"_s, double(seq)},
                     {u"id"_s, id},
                     {u"data"_s, JsonText::parse(data).value_or(QJsonValue::Null)},
                     {u"ts"_s, timestamp.toUTC().toString(Qt::ISODateWithMs)}};
    if (!event.isEmpty())
        json.insert(u"event"_s, event);
    return json;
}

QString StoredNotification::toFrame() const
{
    const Notification notification{id, event, JsonText::parse(data).value_or(QJsonValue::Null),
                                    timestamp};
    return Frames::withSeq(notification.toFrame(), seq);
}

QString NotificationStore::newEpoch()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

qint64 NotificationStore::msecsOf(const QDateTime &timestamp)
{
    return timestamp.isValid() ? timestamp.toMSecsSinceEpoch()
                               : QDateTime::currentMSecsSinceEpoch();
}

} // namespace Herald
