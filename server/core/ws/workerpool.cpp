#include "ws/workerpool.h"

#include "eventloopinstaller.h"
#include "ws/tlsclientsocket.h"

#include <QThread>

#include <algorithm>

namespace Herald {

WorkerPool::WorkerPool(int count, const Worker::Settings &settings, SessionDirectory &directory,
                       ServerStats &stats, StoreService &store, AdminFeed &feed,
                       SessionSlots &slots, ServerConfig::EventLoop eventLoop, QObject *parent)
    : QObject(parent)
{
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread(this);
        thread->setObjectName(QStringLiteral("herald-worker-%1").arg(i));
        EventLoopInstaller::install(*thread, eventLoop);
        auto *worker = new Worker(i, settings, directory, stats, store, feed, slots);
        worker->moveToThread(thread);
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        connect(worker, &Worker::drained, this, [this] {
            if (--m_draining == 0)
                Q_EMIT drained();
        });
        thread->start();
        m_threads.push_back(thread);
        m_workers.push_back(worker);
        post(i, [worker] { worker->start(); });
    }
}

WorkerPool::~WorkerPool()
{
    for (QThread *thread : m_threads)
        thread->quit();
    for (QThread *thread : m_threads)
        thread->wait();
}

template<typename Function> void WorkerPool::post(int index, Function &&function)
{
    QMetaObject::invokeMethod(m_workers[size_t(index)], std::forward<Function>(function),
                              Qt::QueuedConnection);
}

int WorkerPool::indexFor(const QString &user) const
{
    return int(qHash(user, size_t(0)) % m_workers.size());
}

void WorkerPool::adopt(const PendingConnection &connection)
{
    Worker *worker = m_workers[size_t(indexFor(connection.user))];
    post(indexFor(connection.user), [worker, connection] { worker->adopt(connection); });
}

void WorkerPool::enableTls(const HandshakeGate &gate, const TlsContext &tls,
                           const ProxyPolicy &proxies, SessionSlots &slots, ServerStats &stats,
                           int handshakeTimeoutMs, qint64 maxIncomingMessageBytes)
{
    // One per worker thread; each hands its upgrades to the user's worker, in any thread.
    for (size_t i = 0; i < m_workers.size(); ++i) {
        auto *intake = new TlsIntake(
            gate, tls, proxies, slots, stats, {handshakeTimeoutMs, maxIncomingMessageBytes},
            [this](TlsClientSocket *socket, const PendingConnection &connection) {
                const int index = indexFor(connection.user);
                Worker *worker = m_workers[size_t(index)];
                socket->moveToThread(m_threads[size_t(index)]);
                post(index,
                     [worker, socket, connection] { worker->adoptEncrypted(socket, connection); });
            });
        intake->moveToThread(m_threads[i]);
        connect(m_threads[i], &QThread::finished, intake, &QObject::deleteLater);
        connect(intake, &TlsIntake::finished, this, &WorkerPool::tlsIntakeFinished);
        m_intakes.push_back(intake);
    }
}

void WorkerPool::takeTls(const TlsIntake::Arrival &arrival)
{
    TlsIntake *intake = m_intakes[m_nextIntake];
    m_nextIntake = (m_nextIntake + 1) % m_intakes.size();
    QMetaObject::invokeMethod(
        intake, [intake, arrival] { intake->take(arrival); }, Qt::QueuedConnection);
}

void WorkerPool::deliver(const QStringList &users, const QString &frame)
{
    std::vector<QStringList> shares(m_workers.size());
    for (const QString &user : users)
        shares[size_t(indexFor(user))].append(user);
    for (size_t i = 0; i < shares.size(); ++i) {
        if (shares[i].isEmpty())
            continue;
        Worker *worker = m_workers[i];
        post(int(i),
             [worker, share = std::move(shares[i]), frame] { worker->deliver(share, frame); });
    }
}

void WorkerPool::deliverStored(const QList<std::pair<QString, qint64>> &targets,
                               const QString &frame)
{
    std::vector<QList<std::pair<QString, qint64>>> shares(m_workers.size());
    for (const auto &target : targets)
        shares[size_t(indexFor(target.first))].append(target);
    for (size_t i = 0; i < shares.size(); ++i) {
        if (shares[i].isEmpty())
            continue;
        Worker *worker = m_workers[i];
        post(int(i), [worker, share = std::move(shares[i]), frame] {
            worker->deliverStored(share, frame);
        });
    }
}

void WorkerPool::deliverUnread(const QString &user, qint64 unread, qint64 readUpTo)
{
    Worker *worker = m_workers[size_t(indexFor(user))];
    post(indexFor(user),
         [worker, user, unread, readUpTo] { worker->deliverUnread(user, unread, readUpTo); });
}

void WorkerPool::broadcast(const QString &frame)
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        Worker *worker = m_workers[i];
        post(int(i), [worker, frame] { worker->broadcast(frame); });
    }
}

void WorkerPool::disconnectSession(const QString &user, const QString &sessionId)
{
    Worker *worker = m_workers[size_t(indexFor(user))];
    post(indexFor(user), [worker, sessionId] { worker->disconnectSession(sessionId); });
}

void WorkerPool::disconnectUser(const QString &user)
{
    Worker *worker = m_workers[size_t(indexFor(user))];
    post(indexFor(user), [worker, user] { worker->disconnectUser(user); });
}

void WorkerPool::closeBehind(const QHash<QString, qint64> &seqs)
{
    std::vector<QHash<QString, qint64>> perWorker(m_workers.size());
    for (auto it = seqs.cbegin(); it != seqs.cend(); ++it)
        perWorker[size_t(indexFor(it.key()))].insert(it.key(), it.value());
    for (size_t i = 0; i < m_workers.size(); ++i) {
        if (perWorker[i].isEmpty())
            continue;
        Worker *worker = m_workers[i];
        post(int(i), [worker, part = std::move(perWorker[i])] { worker->closeBehind(part); });
    }
}

void WorkerPool::shutdown(int drainMs)
{
    m_draining = size();
    for (size_t i = 0; i < m_workers.size(); ++i) {
        Worker *worker = m_workers[i];
        post(int(i), [worker, drainMs] { worker->shutdown(drainMs); });
    }
}

void WorkerPool::hurry()
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        Worker *worker = m_workers[i];
        post(int(i), [worker] { worker->hurry(); });
    }
}

void WorkerPool::reconfigure(const Worker::Settings &settings)
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        Worker *worker = m_workers[i];
        post(int(i), [worker, settings] { worker->reconfigure(settings); });
    }
}

Worker::Settings WorkerPool::settingsFor(const ServerConfig &config)
{
    Worker::Settings settings;
    settings.heartbeatMs = config.heartbeatMs;
    settings.handshakeTimeoutMs = config.handshakeTimeoutMs;
    settings.clientFramesPerSecond = config.clientFramesPerSecond;
    settings.maxSessionBufferBytes = config.maxSessionBufferBytes;
    settings.unreadCoalesceMs = config.unreadCoalesceMs;
    settings.maxSessionsPerUser = config.maxSessionsPerUser;
    settings.maxSessionsPerToken = config.maxSessionsPerToken;
    settings.enforceTokenExpiry = config.enforceTokenExpiry;
    settings.closeGraceMs = config.closeGraceMs;
    settings.closeOnSeqGap = config.broker.has_value();
    // A replay page fits the session budget, give or take a notification.
    settings.replayPageSize
        = int(std::clamp<qint64>(config.maxSessionBufferBytes / config.maxPayloadBytes, 1, 100));
    return settings;
}

bool WorkerPool::allRunning() const
{
    return !m_threads.empty()
        && std::all_of(m_threads.cbegin(), m_threads.cend(),
                       [](const QThread *thread) { return thread->isRunning(); });
}

} // namespace Herald
