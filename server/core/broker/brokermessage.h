#pragma once

#include "store/notificationstore.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace Herald {

// What RedisStore and its scripts publish (ChannelMap), as JSON (Lua's cjson):
//  - a committed notification: {"f": <frame without seq>, "t": [[user, seq], ...]}, on
//    the user's channel with that one target, or on the broadcast channel with every
//    target of a push to many users;
//  - a read cursor moved: {"u": user, "l": lastSeq, "c": readCursor, "n": unread,
//    "o": oldestSeq}, on the user's channel;
//  - a live push (RedisStore::publishLive): {"f": frame, "v": [user]} on the user's
//    channel; on the broadcast channel {"f": frame, "v": [user, ...]} for many users, or
//    {"f": frame, "v": []} for every session.
struct BrokerMessage
{
    enum class Kind { Committed, ReadMoved, Live };

    Kind kind = Kind::Committed;
    QList<std::pair<QString, qint64>> targets; // Committed
    QString frame; // Committed, Live
    QStringList users; // Live; empty: every session
    QString user; // ReadMoved
    UserState state; // ReadMoved

    // nullopt when the payload is neither (a foreign publisher on our channel).
    static std::optional<BrokerMessage> parse(const QByteArray &payload);
    // A live push, and its JSON (the other kinds are written by the Lua scripts).
    static BrokerMessage live(const QString &frame, const QStringList &users);
    QByteArray toBytes() const;
};

} // namespace Herald
