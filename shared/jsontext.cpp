#include "jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Herald::JsonText {

// QJsonDocument in Qt 6.4 reads and writes only objects and arrays, so a
// scalar travels inside a one-element array.
QByteArray serialize(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

std::optional<QJsonValue> parse(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

} // namespace Herald::JsonText
