#include "serverframe.h"

#include "framekeys.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

std::nullopt_t refuse(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

// Reads the JSON fields of one frame and remembers the first one that does not
// have the protocol's type.
class FieldReader
{
public:
    explicit FieldReader(const QJsonObject &frame) : m_frame(frame) { }

    qint64 whole(QLatin1StringView key, bool optional = false)
    {
        const QJsonValue value = m_frame.value(key);
        if (optional && value.isUndefined())
            return 0;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 0 || number != std::floor(number) || number > 9.0e15)
            return fail(key, u"a whole number >= 0"_s), 0;
        return qint64(number);
    }

    QString string(QLatin1StringView key, bool optional = false)
    {
        const QJsonValue value = m_frame.value(key);
        if (optional && value.isUndefined())
            return {};
        if (!value.isString())
            fail(key, u"a string"_s);
        return value.toString();
    }

    bool boolean(QLatin1StringView key)
    {
        const QJsonValue value = m_frame.value(key);
        if (!value.isBool())
            fail(key, u"true or false"_s);
        return value.toBool();
    }

    double number(QLatin1StringView key)
    {
        const QJsonValue value = m_frame.value(key);
        if (!value.isDouble() || value.toDouble() < 0)
            fail(key, u"a number >= 0"_s);
        return value.toDouble();
    }

    void fail(QLatin1StringView key, const QString &expected)
    {
        if (m_problem.isEmpty())
            m_problem = u"'%1' must be %2"_s.arg(key, expected);
    }

    const QString &problem() const { return m_problem; }

private:
    const QJsonObject &m_frame;
    QString m_problem;
};

void readWelcome(FieldReader &fields, ServerFrame &frame)
{
    frame.session = fields.string(FrameKey::Session);
    frame.user = fields.string(FrameKey::User);
    frame.heartbeatSeconds = fields.number(FrameKey::HeartbeatSeconds);
    frame.position.seq = fields.whole(FrameKey::Seq);
    frame.position.epoch = fields.string(FrameKey::Epoch);
    frame.position.unread = fields.whole(FrameKey::Unread);
    frame.position.readUpTo = fields.whole(FrameKey::ReadUpTo);
}

void readNotification(const QJsonObject &json, FieldReader &fields, ServerFrame &frame)
{
    frame.seq = fields.whole(FrameKey::Seq, true);
    if (json.contains(FrameKey::Seq) && frame.seq == 0)
        fields.fail(FrameKey::Seq, u"a seq from 1, or absent (a broadcast)"_s);
    frame.notification.id = fields.string(FrameKey::Id);
    frame.notification.event = fields.string(FrameKey::Event, true);
    if (!json.contains(FrameKey::Data))
        fields.fail(FrameKey::Data, u"present (null when the push had none)"_s);
    frame.notification.data = json.value(FrameKey::Data);
    const QString ts = fields.string(FrameKey::Timestamp);
    frame.notification.timestamp = QDateTime::fromString(ts, Qt::ISODateWithMs);
    if (!frame.notification.timestamp.isValid())
        fields.fail(FrameKey::Timestamp, u"an RFC 3339 time"_s);
}

} // namespace

std::optional<ServerFrame> ServerFrame::parse(const QString &text, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return refuse(error, u"not a JSON object"_s);
    const QJsonObject json = document.object();
    const QString type = json.value(FrameKey::Type).toString();
    FieldReader fields(json);
    ServerFrame frame;
    if (type == FrameType::Welcome) {
        frame.type = Type::Welcome;
        readWelcome(fields, frame);
    } else if (type == FrameType::Notification) {
        frame.type = Type::Notification;
        readNotification(json, fields, frame);
    } else if (type == FrameType::Resumed) {
        frame.type = Type::Resumed;
        frame.ok = fields.boolean(FrameKey::Ok);
        frame.seq = fields.whole(FrameKey::Seq);
        frame.epoch = fields.string(FrameKey::Epoch, frame.ok);
    } else if (type == FrameType::Unread) {
        frame.type = Type::Unread;
        frame.count = fields.whole(FrameKey::Count);
        frame.readUpTo = fields.whole(FrameKey::ReadUpTo);
    } else if (type == FrameType::Error) {
        frame.type = Type::Error;
        frame.code = fields.string(FrameKey::Code);
        frame.message = fields.string(FrameKey::Message);
    } else if (type == FrameType::Pong) {
        frame.type = Type::Pong;
    } else {
        return refuse(error, u"unknown frame type '%1'"_s.arg(type));
    }
    if (!fields.problem().isEmpty())
        return refuse(error, u"%1 frame: %2"_s.arg(type, fields.problem()));
    return frame;
}

QString ServerFrame::toText() const
{
    switch (type) {
    case Type::Welcome:
        return Frames::welcome(session, user, int(std::lround(heartbeatSeconds * 1000)), position);
    case Type::Notification:
        return seq > 0 ? Frames::withSeq(notification.toFrame(), seq) : notification.toFrame();
    case Type::Resumed:
        return Frames::resumed(ok, seq, epoch);
    case Type::Unread:
        return Frames::unread(count, readUpTo);
    case Type::Error:
        return Frames::error(code, message);
    case Type::Pong:
        break;
    }
    return Frames::pong();
}

bool ServerFrame::operator==(const ServerFrame &other) const
{
    const auto fields = [](const ServerFrame &f) {
        return std::tie(f.type, f.session, f.user, f.heartbeatSeconds, f.position.seq,
                        f.position.epoch, f.position.unread, f.position.readUpTo, f.seq,
                        f.notification.id, f.notification.event, f.notification.data,
                        f.notification.timestamp, f.ok, f.epoch, f.count, f.readUpTo, f.code,
                        f.message);
    };
    return fields(*this) == fields(other);
}

} // namespace Herald
