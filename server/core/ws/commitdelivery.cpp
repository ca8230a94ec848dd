#include "ws/commitdelivery.h"

#include "ws/workerpool.h"

namespace Herald {

void CommitDelivery::committed(const QList<std::pair<QString, qint64>> &targets,
                               const QString &frame)
{
    m_pool.deliverStored(targets, frame);
}

void CommitDelivery::readMoved(const QString &user, const UserState &state)
{
    m_pool.deliverUnread(user, state.unread, state.readCursor);
}

void CommitDelivery::live(const QStringList &users, const QString &frame)
{
    if (users.isEmpty())
        m_pool.broadcast(frame);
    else
        m_pool.deliver(users, frame);
}

} // namespace Herald
