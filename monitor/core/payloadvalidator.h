#pragma once

#include <QJsonValue>
#include <QString>

#include <optional>

namespace Herald {

// Checks the Send dialog's payload text as the operator types.
class PayloadValidator
{
public:
    struct Result
    {
        bool ok = false;
        std::optional<QJsonValue> value; // nullopt for an empty payload (no "data")
        QString error; // "line 2, column 7: unterminated string"
        int line = 0; // 1-based position of the error, 0 when ok
        int column = 0;
    };

    // Any single JSON value is accepted (object, array, string, number, true,
    // false, null), as is blank text. Several values, trailing garbage and
    // syntax errors are refused with the position of the first problem.
    static Result check(const QString &text);

private:
    static Result failure(const QString &text, int offset, const QString &message);
};

} // namespace Herald
