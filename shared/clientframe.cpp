#include "clientframe.h"

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
    const QString type = frame.value(u"type"_s).toString();
    if (type == u"ping"_s)
        return ClientFrame{Type::Ping, 0};
    if (type != u"read"_s) {
        return Error{u"unknown_type"_s,
                     u"Unknown frame type '%1'; expected read or ping"_s.arg(type)};
    }
    const QJsonValue upTo = frame.value(u"up_to"_s);
    const double value = upTo.toDouble(-1);
    if (!upTo.isDouble() || value < 0 || value != std::floor(value) || value > 9.0e15)
        return Error{u"invalid_field"_s, u"'up_to' must be a whole number >= 0"_s};
    return ClientFrame{Type::Read, qint64(value)};
}

} // namespace Herald
