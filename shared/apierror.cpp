#include "apierror.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QJsonObject ApiError::toJson() const
{
    return QJsonObject{{u"error"_s, QJsonObject{{u"code"_s, code}, {u"message"_s, message}}}};
}

QByteArray ApiError::toBody() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

ApiError ApiError::invalidJson(const QString &detail)
{
    return {400, u"invalid_json"_s, u"Request body is not valid JSON: "_s + detail};
}

ApiError ApiError::invalidField(const QString &field, const QString &problem)
{
    return {400, u"invalid_field"_s, u"Field '%1' %2"_s.arg(field, problem)};
}

} // namespace Herald
