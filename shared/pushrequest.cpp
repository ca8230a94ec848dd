#include "pushrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <cmath>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr qsizetype MaxUserIdLength = 256;
constexpr qsizetype MaxEventLength = 128;

// A user id from a JSON value: a non-empty string, or a whole number
// (Django's integer primary keys).
std::optional<QString> userIdFrom(const QJsonValue &value)
{
    if (value.isString()) {
        const QString id = value.toString();
        if (id.isEmpty() || id.size() > MaxUserIdLength)
            return std::nullopt;
        return id;
    }
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || std::trunc(number) != number || std::abs(number) > 9.0e15)
        return std::nullopt;
    return QString::number(qint64(number));
}

std::optional<ApiError> parseUsers(const QJsonObject &body, int maxUsers, QStringList *users)
{
    const QJsonValue value = body.value(u"users"_s);
    if (value.isUndefined())
        return ApiError::invalidField(u"users"_s, u"is required"_s);
    if (!value.isArray())
        return ApiError::invalidField(u"users"_s, u"must be an array of user ids"_s);
    const QJsonArray array = value.toArray();
    if (array.isEmpty())
        return ApiError::invalidField(u"users"_s, u"must name at least one user"_s);
    if (array.size() > maxUsers)
        return ApiError::invalidField(u"users"_s, u"names more than %1 users"_s.arg(maxUsers));
    QSet<QString> seen;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const std::optional<QString> id = userIdFrom(array.at(i));
        if (!id) {
            return ApiError::invalidField(
                u"users[%1]"_s.arg(i),
                u"must be a non-empty string (at most 256 characters) or a whole number"_s);
        }
        if (!seen.contains(*id)) {
            seen.insert(*id);
            users->append(*id);
        }
    }
    return std::nullopt;
}

std::optional<ApiError> parseEvent(const QJsonObject &body, QString *event)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_.:-]{1,128}$"_s);
    const QJsonValue value = body.value(u"event"_s);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isString() || !pattern.match(value.toString()).hasMatch()) {
        return ApiError::invalidField(
            u"event"_s,
            u"must be a string of 1-%1 characters from A-Z a-z 0-9 _ . : -"_s.arg(MaxEventLength));
    }
    *event = value.toString();
    return std::nullopt;
}

std::optional<ApiError> parseOptions(const QJsonObject &body, PushRequest *request)
{
    static const QRegularExpression keyPattern(u"^[\\x21-\\x7e]{1,255}$"_s);
    const QJsonValue store = body.value(u"store"_s);
    if (!store.isUndefined()) {
        if (!store.isBool())
            return ApiError::invalidField(u"store"_s, u"must be true or false"_s);
        request->store = store.toBool();
    }
    const QJsonValue key = body.value(u"idempotency_key"_s);
    if (!key.isUndefined()) {
        if (!key.isString() || !keyPattern.match(key.toString()).hasMatch()) {
            return ApiError::invalidField(
                u"idempotency_key"_s,
                u"must be a string of 1-255 printable ASCII characters without spaces"_s);
        }
        request->idempotencyKey = key.toString();
    }
    return std::nullopt;
}

std::optional<ApiError> rejectUnknownFields(const QJsonObject &body, PushRequest::Kind kind)
{
    for (const QString &key : body.keys()) {
        const bool known = key == u"event"_s || key == u"data"_s || key == u"store"_s
            || key == u"idempotency_key"_s
            || (key == u"users"_s && kind == PushRequest::Kind::Notify);
        if (!known)
            return ApiError::invalidField(key, u"is not a known field"_s);
    }
    return std::nullopt;
}

} // namespace

PushRequest::Result PushRequest::parse(const QByteArray &body, Kind kind, int maxUsers)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return ApiError::invalidJson(parseError.errorString());
    if (!document.isObject())
        return ApiError::invalidJson(u"the body must be a JSON object"_s);
    return fromJson(document.object(), kind, maxUsers);
}

PushRequest::Result PushRequest::fromJson(const QJsonObject &object, Kind kind, int maxUsers)
{
    PushRequest request;
    request.kind = kind;
    request.store = kind == Kind::Notify;
    request.data = object.value(u"data"_s);
    if (request.data.isUndefined())
        request.data = QJsonValue::Null;
    std::optional<ApiError> error = rejectUnknownFields(object, kind);
    if (!error && kind == Kind::Notify)
        error = parseUsers(object, maxUsers, &request.users);
    if (!error)
        error = parseEvent(object, &request.event);
    if (!error)
        error = parseOptions(object, &request);
    if (error)
        return *error;
    return request;
}

} // namespace Herald
