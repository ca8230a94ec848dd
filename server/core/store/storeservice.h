#pragma once

// store/: durable per-user streams (SQLite, memory) and the store thread. Sees the
// rest of the server only through StoreSink, Audience and SessionRouting; never includes
// ws/, api/ or admin/ (tests/structure/includes.cmake checks it).

#include "config/serverconfig.h"
#include "notificationstore.h"
#include "push/pushoutcome.h"
#include "sessionstart.h"

#include <QObject>

#include <functional>
#include <memory>

class QThread;
class QTimer;

namespace Herald {

class Audience;
class ServerStats;
class SessionRouting;
class StoreSink;

// Runs the NotificationStore in a thread of its own, off the workers' and the
// API's paths. Pushes are group-committed: everything that arrives while a
// commit runs goes into the next transaction. After a commit, the stored
// notifications go to the StoreSink in seq order, then each caller's callback
// runs (in its context object's thread) so a push is reported accepted only
// for what is on disk. It knows nothing of WebSockets or HTTP: the sink and
// the Audience are the rest of the server, seen from here.
//
// Public functions may be called from any thread. Callbacks run in the thread
// of their context object, which must outlive this service.
class StoreService : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int historySize = 1000;
        qint64 historyTtlMs = 30LL * 24 * 3600 * 1000;
        qint64 idempotencyTtlMs = 24LL * 3600 * 1000;
        int trimIntervalMs = 60000;
        ServerConfig::EventLoop eventLoop = ServerConfig::EventLoop::Epoll; // of the store thread
        // False with a broker: the store publishes its commits and read moves, and the
        // broker's subscriber on every node (this one too) hands them to the sink; calling
        // the sink here as well would deliver twice and out of cross-node order.
        bool deliverCommits = true;
        // Replicas that must acknowledge each commit (NotificationStore::setReplicaAcks).
        int minReplicas = 0;
        int replicaTimeoutMs = 1000;
    };

    StoreService(std::unique_ptr<NotificationStore> store, Settings settings,
                 const Audience &audience, ServerStats &stats);
    ~StoreService() override;

    // Blocking: starts the store thread and opens the store in it. What is
    // committed from then on is reported to \a sink, which must outlive this.
    bool start(StoreSink &sink, QString *error);
    // Blocking: commits what is queued, closes the store and joins the thread.
    void stop();
    QString epoch() const { return m_epoch; } // valid after start()
    // A reload: history_size, history_ttl, idempotency_ttl and trim_interval (which restarts
    // the trim timer) from the next trim on, the replica acknowledgements from the next
    // commit on; the event loop stays.
    void setRetention(const Settings &settings);

    struct Push
    {
        QString id;
        QString event;
        QByteArray data; // compact JSON
        QDateTime timestamp;
        QString frame; // the notification frame without "seq"
        QStringList users; // ignored for broadcasts
        bool broadcast = false; // to every known or connected user
        QString idempotencyKey;
    };
    // The outcome (replayed for a known idempotency key), or the commit's error. With an
    // error, \a unconfirmed says the push is stored all the same, only not acknowledged by
    // as many replicas as asked (AppendResult::unconfirmed): it must not be answered 202.
    using PushDone = std::function<void(const std::optional<PushOutcome> &outcome,
                                        const QString &error, bool unconfirmed)>;
    void push(const Push &push, QObject *context, PushDone done);
    // With a broker: hands a live push to every node (NotificationStore::publishLive);
    // \a done gets an empty error once Redis took it. \a users empty: a broadcast.
    void publishLive(const QStringList &users, const QString &frame, QObject *context,
                     std::function<void(const QString &error)> done);

    // Runs \a done in \a context's thread once every push queued before this
    // call is committed and answered: what a drain waits for before closing
    // sessions. Never runs once the store has stopped.
    void settle(QObject *context, std::function<void()> done);

    // Reads a new session's position (and its replay). With routing set, only once this node
    // hears the user's pushes (SessionRouting::join), so that none falls between the read
    // and the live stream. Every openSession() must be matched by one closeSession().
    void openSession(const QString &user, const std::optional<ResumePoint> &resume,
                     QObject *context, std::function<void(const SessionStart &)> done);
    void closeSession(const QString &user);
    // Blocking once started: openSession() and closeSession() tell \a routing from now on
    // (null: nobody). It must outlive this service or be replaced by null first.
    void setRouting(SessionRouting *routing);

    using StateDone
        = std::function<void(const UserState &state, const QString &epoch, const QString &error)>;
    // Moves the read cursor and tells every session of the user its unread count.
    void markRead(const QString &user, qint64 upTo, QObject *context, StateDone done);
    void userState(const QString &user, QObject *context, StateDone done);
    // NotificationStore::lastSeqs in the store thread; \a done in \a context's.
    using SeqsDone = std::function<void(const QHash<QString, qint64> &seqs, const QString &error)>;
    void lastSeqs(const QStringList &users, QObject *context, SeqsDone done);

    struct HistoryQuery
    {
        qint64 before = 0; // 0: newest
        qint64 after = 0;
        int limit = 50;
    };
    // error: the store could not be read (its broker down); page is then empty.
    using HistoryDone = std::function<void(const QList<StoredNotification> &page,
                                           const QString &epoch, const QString &error)>;
    void history(const QString &user, const HistoryQuery &query, QObject *context,
                 HistoryDone done);

private:
    struct Pending
    {
        Push push;
        QObject *context = nullptr;
        PushDone done;
    };

    void enqueue(Pending pending);
    void flush();
    void deliver(const Pending &pending, const AppendEntry &entry, const AppendResult &result);
    PushOutcome outcome(const Pending &pending, const AppendEntry &entry,
                        const QHash<QString, qint64> &seqs) const;
    SessionStart sessionStart(const QString &user, const std::optional<ResumePoint> &resume);
    void trim();
    template<typename Function> void run(Function &&function);
    template<typename Function> static void reply(QObject *context, Function &&function);

    std::unique_ptr<NotificationStore> m_store;
    Settings m_settings;
    const Audience &m_audience;
    ServerStats &m_stats;
    StoreSink *m_sink = nullptr;
    SessionRouting *m_routing = nullptr; // store thread
    QThread *m_thread = nullptr;
    QTimer *m_trimTimer = nullptr;
    QString m_epoch;
    QList<Pending> m_batch;
    bool m_flushQueued = false;
};

} // namespace Herald
