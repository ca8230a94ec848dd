#pragma once

#include "notificationstore.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace Herald {

// Where the store reports what it committed. HeraldServer connects it to the
// workers; a broker would publish from here too. Called in the store thread,
// after the transaction, in seq order: an implementation must be thread-safe
// and must not block.
class StoreSink
{
public:
    virtual ~StoreSink() = default;

    // A new notification, stored for each (user, seq) of \a targets; \a frame
    // is its notification frame without "seq".
    virtual void committed(const QList<std::pair<QString, qint64>> &targets, const QString &frame)
        = 0;
    // \a user's read cursor moved; \a state is the user's state after it.
    virtual void readMoved(const QString &user, const UserState &state) = 0;
    // With a broker: a live (unstored) push that some node accepted, for the sessions of
    // \a users, or for every session when \a users is empty (a broadcast). Without a
    // broker live pushes never pass through the store: nothing to do by default.
    virtual void live(const QStringList &users, const QString &frame)
    {
        Q_UNUSED(users);
        Q_UNUSED(frame);
    }
};

} // namespace Herald
