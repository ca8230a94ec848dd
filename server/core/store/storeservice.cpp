#include "storeservice.h"

#include "audience.h"
#include "eventloopinstaller.h"
#include "logging.h"
#include "serverstats.h"
#include "sessionrouting.h"
#include "storesink.h"

#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

StoreService::StoreService(std::unique_ptr<NotificationStore> store, Settings settings,
                           const Audience &audience, ServerStats &stats)
    : m_store(std::move(store)), m_settings(settings), m_audience(audience), m_stats(stats)
{ }

StoreService::~StoreService()
{
    stop();
}

// A call queued behind stop() finds the store closed and does nothing (its
// caller is being torn down too).
template<typename Function> void StoreService::run(Function &&function)
{
    QMetaObject::invokeMethod(
        this,
        [this, function = std::forward<Function>(function)]() mutable {
            if (m_store)
                function();
        },
        Qt::QueuedConnection);
}

template<typename Function> void StoreService::reply(QObject *context, Function &&function)
{
    QMetaObject::invokeMethod(context, std::forward<Function>(function), Qt::QueuedConnection);
}

bool StoreService::start(StoreSink &sink, QString *error)
{
    m_sink = &sink;
    m_thread = new QThread; // deleted in stop(); not a child: this object moves into it
    m_thread->setObjectName(u"herald-store"_s);
    EventLoopInstaller::install(*m_thread, m_settings.eventLoop);
    moveToThread(m_thread);
    m_thread->start();
    bool opened = false;
    QMetaObject::invokeMethod(
        this,
        [this, &opened, error] {
            m_store->setReplicaAcks(m_settings.minReplicas, m_settings.replicaTimeoutMs);
            opened = m_store->open(error);
            m_epoch = m_store->epoch();
            m_trimTimer = new QTimer(this);
            m_trimTimer->setInterval(m_settings.trimIntervalMs);
            connect(m_trimTimer, &QTimer::timeout, this, &StoreService::trim);
            m_trimTimer->start();
        },
        Qt::BlockingQueuedConnection);
    if (!opened)
        stop();
    return opened;
}

void StoreService::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            flush();
            delete m_trimTimer;
            m_trimTimer = nullptr;
            m_store.reset(); // closes the database in the thread that opened it
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

void StoreService::setRetention(const Settings &settings)
{
    run([this, settings] {
        const int oldInterval = m_settings.trimIntervalMs;
        m_settings = {settings.historySize,    settings.historyTtlMs,    settings.idempotencyTtlMs,
                      settings.trimIntervalMs, m_settings.eventLoop,     m_settings.deliverCommits,
                      settings.minReplicas,    settings.replicaTimeoutMs};
        m_store->setReplicaAcks(settings.minReplicas, settings.replicaTimeoutMs);
        if (m_trimTimer && settings.trimIntervalMs != oldInterval)
            m_trimTimer->setInterval(settings.trimIntervalMs);
    });
}

void StoreService::push(const Push &push, QObject *context, PushDone done)
{
    run([this, pending = Pending{push, context, std::move(done)}]() mutable {
        enqueue(std::move(pending));
    });
}

void StoreService::publishLive(const QStringList &users, const QString &frame, QObject *context,
                               std::function<void(const QString &error)> done)
{
    run([this, users, frame, context, done = std::move(done)] {
        QString error;
        if (m_store->publishLive(users, frame, &error))
            error.clear();
        else if (error.isEmpty())
            error = u"the live push was not published"_s;
        reply(context, [done, error] { done(error); });
    });
}

void StoreService::settle(QObject *context, std::function<void()> done)
{
    run([this, context, done = std::move(done)] {
        flush();
        reply(context, done);
    });
}

void StoreService::enqueue(Pending pending)
{
    m_batch.append(std::move(pending));
    if (!m_flushQueued) {
        // Everything posted before this flush event joins the same transaction.
        m_flushQueued = true;
        run([this] { flush(); });
    }
}

void StoreService::flush()
{
    m_flushQueued = false;
    if (m_batch.isEmpty() || !m_store)
        return;
    const QList<Pending> batch = std::exchange(m_batch, {});
    QList<AppendEntry> entries;
    entries.reserve(batch.size());
    for (const Pending &pending : batch) {
        const Push &push = pending.push;
        QStringList users = push.users;
        if (push.broadcast) {
            users = m_store->knownUsers() + m_audience.users();
            users.removeDuplicates();
        }
        entries.append(
            {push.id, push.event, push.data, push.timestamp, users, push.idempotencyKey});
    }
    QList<AppendResult> results;
    QString error;
    // Each new push's outcome, taken in its transaction. Only one with an
    // idempotency key is kept with it, as JSON, for a repeat to report.
    QList<PushOutcome> outcomes(batch.size());
    const auto respond = [&](const AppendEntry &entry, const QHash<QString, qint64> &seqs) {
        const qsizetype index = &entry - entries.constData();
        outcomes[index] = outcome(batch[index], entry, seqs);
        return entry.idempotencyKey.isEmpty() ? QByteArray() : outcomes[index].toBytes();
    };
    QElapsedTimer commit;
    commit.start();
    const bool ok = m_store->append(entries, respond, &results, &error);
    m_stats.storeCommitSeconds.observe(double(commit.nsecsElapsed()) / 1e9);
    m_stats.storeBatchSize.observe(double(batch.size()));
    m_stats.storeCommits.fetch_add(1, std::memory_order_relaxed);
    if (!ok) {
        m_stats.storeErrors.fetch_add(1, std::memory_order_relaxed);
        qCWarning(lcStore).noquote() << "commit of" << batch.size() << "pushes failed:" << error;
    }
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const AppendResult result = ok ? results[i] : AppendResult{};
        if (ok && !result.replayed)
            deliver(batch[i], entries[i], result);
        std::optional<PushOutcome> outcome;
        QString failure = error;
        if (!result.unconfirmed.isEmpty()) {
            failure = result.unconfirmed;
            m_stats.replicaShortfalls.fetch_add(1, std::memory_order_relaxed);
        } else if (ok && !result.replayed) {
            outcome = outcomes[i];
        } else if (ok) {
            outcome = PushOutcome::fromBytes(result.response);
            if (outcome)
                outcome->replayed = true;
            else
                failure = u"the answer kept with the idempotency key is unreadable"_s;
        }
        const bool unconfirmed = !result.unconfirmed.isEmpty();
        reply(batch[i].context, [done = batch[i].done, outcome, failure, unconfirmed] {
            done(outcome, failure, unconfirmed);
        });
    }
}

void StoreService::deliver(const Pending &pending, const AppendEntry &entry,
                           const AppendResult &result)
{
    m_stats.storedNotifications.fetch_add(1, std::memory_order_relaxed);
    if (!m_settings.deliverCommits)
        return;
    QList<std::pair<QString, qint64>> targets;
    targets.reserve(entry.users.size());
    for (const QString &user : entry.users)
        targets.append({user, result.seqs.value(user)});
    m_sink->committed(targets, pending.push.frame);
}

PushOutcome StoreService::outcome(const Pending &pending, const AppendEntry &entry,
                                  const QHash<QString, qint64> &seqs) const
{
    PushOutcome outcome;
    outcome.id = entry.id;
    outcome.stored = true;
    outcome.broadcast = pending.push.broadcast;
    if (outcome.broadcast) {
        outcome.users = entry.users.size();
        outcome.sessions = m_audience.sessionCount();
    } else {
        outcome.seqs = seqs;
        const Audience::Reach reach = m_audience.reach(entry.users);
        outcome.usersOnline = reach.usersOnline;
        outcome.sessions = reach.sessions;
    }
    return outcome;
}

void StoreService::openSession(const QString &user, const std::optional<ResumePoint> &resume,
                               QObject *context, std::function<void(const SessionStart &)> done)
{
    auto read = [this, user, resume, context, done = std::move(done)] {
        // Pushes already queued are committed first, so the position reported
        // covers everything the client could have been sent live before it.
        flush();
        m_store->noteSession(user);
        reply(context, [done, start = sessionStart(user, resume)] { done(start); });
    };
    run([this, user, read = std::move(read)]() mutable {
        if (!m_routing)
            return read();
        // The routing calls back in its own thread: the read is queued back to this one.
        m_routing->join(user, [this, read = std::move(read)]() mutable { run(std::move(read)); });
    });
}

void StoreService::closeSession(const QString &user)
{
    run([this, user] {
        if (m_routing)
            m_routing->leave(user);
    });
}

void StoreService::setRouting(SessionRouting *routing)
{
    if (!m_thread) {
        m_routing = routing;
        return;
    }
    QMetaObject::invokeMethod(
        this, [this, routing] { m_routing = routing; }, Qt::BlockingQueuedConnection);
}

SessionStart StoreService::sessionStart(const QString &user,
                                        const std::optional<ResumePoint> &resume)
{
    const UserState state = m_store->userState(user);
    SessionStart start;
    start.position = {m_epoch, state.lastSeq, state.unread, state.readCursor};
    start.storeUnavailable = !state.answered;
    if (!resume || start.storeUnavailable)
        return start;
    start.resumeRequested = true;
    const qint64 since = resume->since;
    const bool covered = since == state.lastSeq
        || (since < state.lastSeq && state.oldestSeq > 0 && state.oldestSeq <= since + 1);
    start.resumeOk = resume->epoch == m_epoch && covered;
    if (start.resumeOk && since < state.lastSeq) {
        const qint64 missed = state.lastSeq - since;
        QString error;
        start.replay = m_store->since(user, since, int(std::min<qint64>(missed, INT_MAX)), &error);
        start.storeUnavailable = !error.isEmpty();
    }
    return start;
}

void StoreService::markRead(const QString &user, qint64 upTo, QObject *context, StateDone done)
{
    run([this, user, upTo, context, done = std::move(done)] {
        flush(); // a cursor may point at a push still in the batch
        QString error;
        UserState state;
        if (m_store->markRead(user, upTo, &error)) {
            state = m_store->userState(user);
            if (m_settings.deliverCommits)
                m_sink->readMoved(user, state);
        }
        reply(context, [done, state, epoch = m_epoch, error] { done(state, epoch, error); });
    });
}

void StoreService::userState(const QString &user, QObject *context, StateDone done)
{
    run([this, user, context, done = std::move(done)] {
        flush();
        const UserState state = m_store->userState(user);
        const QString error
            = state.answered ? QString() : u"The store could not be read: try again"_s;
        reply(context, [done, state, epoch = m_epoch, error] { done(state, epoch, error); });
    });
}

void StoreService::lastSeqs(const QStringList &users, QObject *context, SeqsDone done)
{
    run([this, users, context, done = std::move(done)] {
        QString error;
        const QHash<QString, qint64> seqs = m_store->lastSeqs(users, &error);
        reply(context, [done, seqs, error] { done(seqs, error); });
    });
}

void StoreService::history(const QString &user, const HistoryQuery &query, QObject *context,
                           HistoryDone done)
{
    run([this, user, query, context, done = std::move(done)] {
        flush();
        QString error;
        const QList<StoredNotification> page
            = m_store->history(user, query.before, query.after, query.limit, &error);
        reply(context, [done, page, epoch = m_epoch, error] { done(page, epoch, error); });
    });
}

void StoreService::trim()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString error;
    if (!m_store->trim(m_settings.historySize, now.addMSecs(-m_settings.historyTtlMs),
                       now.addMSecs(-m_settings.idempotencyTtlMs), &error)) {
        qCWarning(lcStore).noquote() << "retention trim failed:" << error;
    }
}

} // namespace Herald
