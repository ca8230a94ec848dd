#include "clientframe.h"

#include "framekeys.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

ClientFrame::Result ClientFrame::parse(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return Error{u"invalid_json"_s, u"A client frame must be a JSON object"_s};
    const QJsonObject frame = document.object();
    const QString type = frame.value(FrameKey::Type).toString();
    if (type == FrameType::Ping)
        return ClientFrame{Type::Ping, 0};
    if (type != FrameType::Read) {
        return Error{u"unknown_type"_s,
                     u"Unknown frame type '%1'; expected read or ping"_s.arg(type)};
    }
    const QJsonValue upTo = frame.value(FrameKey::UpTo);
    const double value = upTo.toDouble(-1);
    if (!upTo.isDouble() || value < 0 || value != std::floor(value) || value > 9.0e15)
        return Error{u"invalid_field"_s, u"'up_to' must be a whole number >= 0"_s};
    return ClientFrame{Type::Read, qint64(value)};
}

QString ClientFrame::toText() const
{
    QJsonObject frame{{FrameKey::Type, type == Type::Read ? FrameType::Read : FrameType::Ping}};
    if (type == Type::Read)
        frame.insert(FrameKey::UpTo, double(upTo));
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

} // namespace Herald
