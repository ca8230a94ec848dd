#pragma once

#include <QJsonObject>
#include <QString>

namespace Herald {

/*!
    A refused request: the HTTP status and the JSON body
    {"error":{"code":...,"message":...}} that every listener answers with.
*/
struct ApiError
{
    int status = 400;
    QString code;
    QString message;

    QJsonObject toJson() const;
    //! The JSON body, compact, as bytes ready to send.
    QByteArray toBody() const;

    static ApiError invalidJson(const QString &detail);
    //! 400 invalid_field; \a field is named in the message so clients can fix it.
    static ApiError invalidField(const QString &field, const QString &problem);
};

} // namespace Herald
