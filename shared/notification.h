#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace Herald {

/*!
    One notification as delivered to browsers. Built once per push; its frame
    text is shared (implicitly) by every session it goes to.
*/
struct Notification
{
    QString id;
    QString event; //!< empty when the push named none
    QJsonValue data;
    QDateTime timestamp; //!< UTC

    //! {"type":"notification","id":...,"event":...,"data":...,"ts":"<RFC 3339>"}
    QString toFrame() const;

    //! A fresh, unique, time-ordered id ("n_" + 26 characters).
    static QString newId();
};

} // namespace Herald
