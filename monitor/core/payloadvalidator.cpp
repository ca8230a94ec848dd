#include "payloadvalidator.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

PayloadValidator::Result PayloadValidator::check(const QString &text)
{
    if (text.trimmed().isEmpty())
        return {true, std::nullopt, {}, 0, 0};
    // QJsonDocument parses only objects and arrays: wrap the text in an array
    // so that scalars are accepted, then shift the error offset back.
    const QByteArray wrapped = "[" + text.toUtf8() + "\n]";
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt reports where its parser stopped: at, or a character or two past,
        // the offending one. That is close enough to point the operator at it.
        const int utf8Offset = std::clamp(error.offset - 1, 0, int(wrapped.size()) - 2);
        const int offset = int(QString::fromUtf8(wrapped.mid(1, utf8Offset)).size());
        return failure(text, offset, error.errorString());
    }
    const QJsonArray values = document.array();
    if (values.size() != 1)
        return failure(text, int(text.size()),
                       QCoreApplication::translate("Herald::PayloadValidator",
                                                   "expected one JSON value, found %1")
                           .arg(values.size()));
    return {true, values.first(), {}, 0, 0};
}

PayloadValidator::Result PayloadValidator::failure(const QString &text, int offset,
                                                   const QString &message)
{
    const QString before = text.left(std::min(offset, int(text.size())));
    Result result;
    result.line = int(before.count(u'\n')) + 1;
    result.column = int(before.size() - (before.lastIndexOf(u'\n') + 1)) + 1;
    result.error = QCoreApplication::translate("Herald::PayloadValidator", "line %1, column %2: %3")
                       .arg(result.line)
                       .arg(result.column)
                       .arg(message);
    return result;
}

} // namespace Herald
