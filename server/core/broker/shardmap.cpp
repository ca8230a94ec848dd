#include "broker/shardmap.h"

#include <array>

namespace Herald {
namespace {

std::array<quint32, 256> makeTable()
{
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int bit = 0; bit < 8; ++bit)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

} // namespace

quint32 ShardMap::crc32(const QByteArray &bytes)
{
    static const std::array<quint32, 256> table = makeTable();
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : bytes)
        crc = table[(crc ^ quint8(byte)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

int ShardMap::shardOf(const QString &user) const
{
    return int(crc32(user.toUtf8()) % quint32(m_shards));
}

QByteArray ShardMap::channel(int shard) const
{
    return m_prefix + "shard:" + QByteArray::number(shard);
}

int ShardMap::shardOfChannel(const QByteArray &channel) const
{
    const QByteArray head = m_prefix + "shard:";
    if (!channel.startsWith(head))
        return -1;
    bool ok = false;
    const int shard = channel.mid(head.size()).toInt(&ok);
    return ok && shard >= 0 && shard < m_shards ? shard : -1;
}

} // namespace Herald
