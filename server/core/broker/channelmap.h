#pragma once

#include <QByteArray>
#include <QString>

namespace Herald {

// The Pub/Sub channels the cluster's nodes hear each other on (docs/broker.md "Routing"):
// one channel per user, "<prefix>user:<id>", for the notifications and read moves of a
// push to at most RoutedUsersMax users; and the broadcast channel, which every node hears,
// for broadcasts and for pushes to more users than that, each published there once (in
// pieces of TargetsPerMessage users). The
// scripts build the same names from the prefix (RedisScripts).
class ChannelMap
{
public:
    // A push to more users than this is published once on the broadcast channel rather
    // than once per user.
    static constexpr int RoutedUsersMax = 32;
    // What one message on the broadcast channel carries at most: a push to more users goes
    // in several messages, so that none nears Redis's output buffer limit for subscribers
    // (client-output-buffer-limit pubsub, 32 MB by default), which a stored broadcast to a
    // million users would pass in one message, cutting every node's subscription.
    static constexpr int TargetsPerMessage = 1000;

    explicit ChannelMap(QByteArray prefix) : m_prefix(std::move(prefix)) { }

    QByteArray userChannel(const QString &user) const { return m_prefix + "user:" + user.toUtf8(); }
    bool isUserChannel(const QByteArray &channel) const;
    QByteArray broadcastChannel() const { return m_prefix + "broadcast"; } // every node
    // Whether a push to \a users users is published on their own channels.
    static bool routesPerUser(qsizetype users) { return users > 0 && users <= RoutedUsersMax; }

private:
    QByteArray m_prefix;
};

} // namespace Herald
