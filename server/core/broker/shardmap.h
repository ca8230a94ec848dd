#pragma once

#include <QByteArray>
#include <QString>

namespace Herald {

// Which of the cluster's fixed number of shard channels carries a user's notifications
// and read moves. The hash is CRC-32 (IEEE) of the user id's UTF-8 bytes: the same on
// every node and every run (qHash is seeded per process, so it would not do). Redis's Lua
// has no CRC, so the shard is computed here and handed to the scripts.
class ShardMap
{
public:
    static constexpr int DefaultShards = 64;

    explicit ShardMap(QByteArray prefix, int shards = DefaultShards)
        : m_prefix(std::move(prefix)), m_shards(shards)
    { }

    int shards() const { return m_shards; }
    int shardOf(const QString &user) const;
    QByteArray channel(int shard) const; // "<prefix>shard:<n>"
    int shardOfChannel(const QByteArray &channel) const; // -1: not one of the shard channels
    QByteArray broadcastChannel() const { return m_prefix + "broadcast"; } // every node

    static quint32 crc32(const QByteArray &bytes);

private:
    QByteArray m_prefix;
    int m_shards;
};

} // namespace Herald
