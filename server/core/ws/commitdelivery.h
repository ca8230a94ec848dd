#pragma once

#include "store/storesink.h"

namespace Herald {

class WorkerPool;

// Hands what the store committed to the workers: a new notification to the
// sessions of its users, a moved read cursor as an unread frame to every
// session of the user.
class CommitDelivery : public StoreSink
{
public:
    explicit CommitDelivery(WorkerPool &pool) : m_pool(pool) { }

    void committed(const QList<std::pair<QString, qint64>> &targets, const QString &frame) override;
    void readMoved(const QString &user, const UserState &state) override;
    void live(const QStringList &users, const QString &frame) override;

private:
    WorkerPool &m_pool;
};

} // namespace Herald
