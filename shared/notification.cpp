#include "notification.h"

#include "framekeys.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <atomic>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QString Notification::toFrame() const
{
    QJsonObject frame{{FrameKey::Type, FrameType::Notification},
                      {FrameKey::Id, id},
                      {FrameKey::Data, data},
                      {FrameKey::Timestamp, timestamp.toUTC().toString(Qt::ISODateWithMs)}};
    if (!event.isEmpty())
        frame.insert(FrameKey::Event, event);
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

QString Notification::newId()
{
    // Milliseconds first so ids sort by creation; a process-wide counter and a
    // random part keep ids unique across threads and restarts.
    static std::atomic<quint32> counter{QRandomGenerator::global()->generate()};
    const auto ms = quint64(QDateTime::currentMSecsSinceEpoch());
    const quint32 random = QRandomGenerator::global()->generate();
    return u"n_%1%2%3"_s.arg(ms, 12, 16, QChar(u'0'))
        .arg(counter.fetch_add(1, std::memory_order_relaxed), 8, 16, QChar(u'0'))
        .arg(random & 0xffffff, 6, 16, QChar(u'0'));
}

} // namespace Herald
