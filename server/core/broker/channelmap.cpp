#include "broker/channelmap.h"

namespace Herald {

bool ChannelMap::isUserChannel(const QByteArray &channel) const
{
    return channel.size() > m_prefix.size() + 5 && channel.startsWith(m_prefix)
        && channel.mid(m_prefix.size(), 5) == "user:";
}

} // namespace Herald
