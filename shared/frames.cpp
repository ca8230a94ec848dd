#include "frames.h"

#include "framekeys.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Frames {

namespace {

QString text(const QJsonObject &frame)
{
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

} // namespace

QString welcome(const QString &sessionId, const QString &user, int heartbeatMs,
                const StreamPosition &position)
{
    return text({{FrameKey::Type, FrameType::Welcome},
                 {FrameKey::Session, sessionId},
                 {FrameKey::User, user},
                 {FrameKey::HeartbeatSeconds, heartbeatMs / 1000.0},
                 {FrameKey::Seq, double(position.seq)},
                 {FrameKey::Epoch, position.epoch},
                 {FrameKey::Unread, double(position.unread)},
                 {FrameKey::ReadUpTo, double(position.readUpTo)}});
}

qsizetype utf8Length(QStringView frame)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < frame.size(); ++i) {
        const char16_t unit = frame[i].unicode();
        if (unit < 0x80) {
            bytes += 1;
        } else if (unit < 0x800) {
            bytes += 2;
        } else if (QChar::isHighSurrogate(unit) && i + 1 < frame.size()
                   && QChar::isLowSurrogate(frame[i + 1].unicode())) {
            bytes += 4; // the pair is one code point
            ++i;
        } else if (QChar::isSurrogate(unit)) {
            bytes += 1; // a lone surrogate: QString::toUtf8() writes '?'
        } else {
            bytes += 3;
        }
    }
    return bytes;
}

QString withSeq(const QString &notificationFrame, qint64 seq)
{
    QString frame;
    frame.reserve(notificationFrame.size() + 24);
    frame.append(u"{\"seq\":"_s).append(QString::number(seq)).append(u',');
    frame.append(QStringView(notificationFrame).mid(1));
    return frame;
}

QString resumed(bool ok, qint64 seq, const QString &epoch)
{
    QJsonObject frame{
        {FrameKey::Type, FrameType::Resumed}, {FrameKey::Ok, ok}, {FrameKey::Seq, double(seq)}};
    if (!ok)
        frame.insert(FrameKey::Epoch, epoch);
    return text(frame);
}

QString unread(qint64 count, qint64 readUpTo)
{
    return text({{FrameKey::Type, FrameType::Unread},
                 {FrameKey::Count, double(count)},
                 {FrameKey::ReadUpTo, double(readUpTo)}});
}

QString error(const QString &code, const QString &message)
{
    return text(
        {{FrameKey::Type, FrameType::Error}, {FrameKey::Code, code}, {FrameKey::Message, message}});
}

QString pong()
{
    return u"{\"type\":\"pong\"}"_s;
}

} // namespace Herald::Frames
