#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace Herald {

// One notification as stored in one user's stream.
struct StoredNotification
{
    qint64 seq = 0; // the user's sequence number, 1, 2, 3, ... without gaps
    QString id; // the notification id, shared by every user it was sent to
    QString event; // empty when the push named none
    QByteArray data; // compact JSON text of "data" ("null" when absent)
    QDateTime timestamp; // UTC, millisecond precision

    // {"seq","id","event","data","ts"}, as the history API lists it.
    QJsonObject toJson() const;
    // The notification frame a live client would have received, with its seq.
    QString toFrame() const;
};

// Where a user's stream stands.
struct UserState
{
    qint64 lastSeq = 0; // highest seq ever assigned (survives trimming); 0: none yet
    qint64 readCursor = 0; // notifications with seq <= readCursor are read
    qint64 unread = 0; // stored notifications with seq > readCursor
    qint64 oldestSeq = 0; // lowest seq still stored; 0 when nothing is stored
    bool answered = true; // false: the store could not be asked (its broker is down)
};

// A push to store: one notification for several users.
struct AppendEntry
{
    QString id;
    QString event;
    QByteArray data; // compact JSON
    QDateTime timestamp;
    QStringList users; // distinct
    QString idempotencyKey; // empty: none
};

// What append() did with one entry.
struct AppendResult
{
    bool replayed = false; // the idempotency key was known: nothing was appended
    QHash<QString, qint64> seqs; // user -> seq assigned (empty when replayed)
    QByteArray response; // the API answer: new, or the one kept with the key
    // Not empty: the entry is committed (and its answer kept with its key), but not as
    // durably as asked: fewer replicas than setReplicaAcks() asked for acknowledged it.
    // The caller must not report it accepted; a retry with the key replays it once they do.
    QString unconfirmed;
};

/*
    Durable per-user notification streams, read cursors and idempotency keys.

    An implementation is used from one thread only (the store thread) and need
    not be thread-safe. Every function that writes returns false and sets
    *error on failure, in which case nothing it was asked to do has happened.
*/
class NotificationStore
{
public:
    virtual ~NotificationStore() = default;

    // Opens (creating when needed) the store; epoch() is valid afterwards.
    virtual bool open(QString *error) = 0;
    // A random id made when the store was created; a client that saw another
    // epoch must reload instead of resuming.
    virtual QString epoch() const = 0;

    // Builds the API answer for an appended entry from the seqs it got.
    using ResponseBuilder
        = std::function<QByteArray(const AppendEntry &entry, const QHash<QString, qint64> &seqs)>;

    /*
        Appends every entry in one transaction, in order: each of an entry's
        users gets its next seq. An entry whose idempotency key is already
        known (from an earlier call or earlier in \a entries) is not appended;
        its result is marked replayed and carries the response kept with the
        key. For the others, \a respond builds the response, which is kept
        with the key in the same transaction; it is called with a reference to
        the entry inside \a entries (callers may find its index from it).
        Entry ids must be unique (Notification::newId() is). \a results gets one result per
        entry. On failure nothing is appended and no key is kept.
    */
    virtual bool append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                        QList<AppendResult> *results, QString *error)
        = 0;

    virtual UserState userState(const QString &user) = 0;
    // Stored notifications of \a user with seq > \a afterSeq, oldest first, at most \a limit.
    // A store that could not be read (its broker down) sets *error and returns nothing.
    virtual QList<StoredNotification> since(const QString &user, qint64 afterSeq, int limit,
                                            QString *error = nullptr)
        = 0;
    // Stored notifications with seq < \a beforeSeq (0: no bound) and seq > \a afterSeq,
    // newest first, at most \a limit. *error as for since().
    virtual QList<StoredNotification> history(const QString &user, qint64 beforeSeq,
                                              qint64 afterSeq, int limit, QString *error = nullptr)
        = 0;

    // Moves the read cursor forward to min(upTo, lastSeq); never backwards.
    virtual bool markRead(const QString &user, qint64 upTo, QString *error) = 0;

    // Users that have a stream (for stored broadcasts).
    virtual QStringList knownUsers() = 0;

    // The last seq of each of \a users (0 without a stream), for a node that may have missed
    // messages (its broker subscription came back). Sets *error and returns nothing when the
    // store cannot be read. A store of one node misses nothing: it answers nothing.
    virtual QHash<QString, qint64> lastSeqs(const QStringList &users, QString *error)
    {
        Q_UNUSED(users);
        Q_UNUSED(error);
        return {};
    }

    // A user opened a session on this node. A store shared by several nodes adds the user
    // to knownUsers(), so that a stored broadcast accepted by any node is stored for it;
    // one node's store needs nothing (the Audience names its connected users).
    virtual void noteSession(const QString &user) { Q_UNUSED(user); }

    // A store shared by several nodes (a broker) hands a live push, stored nowhere, to
    // every node: for the sessions of \a users, or of everyone when \a users is empty.
    // Returns false and sets *error when it could not; a store of one node has no such
    // thing (the default), its caller delivers live pushes itself.
    virtual bool publishLive(const QStringList &users, const QString &frame, QString *error)
    {
        Q_UNUSED(users);
        Q_UNUSED(frame);
        *error = QStringLiteral("this store serves one node: live pushes do not pass through it");
        return false;
    }

    // A store with replicas (a broker) waits after each append() until \a minReplicas have
    // it, at most \a timeoutMs, and marks the results unconfirmed when fewer did; replayed
    // ones too, since the entry they replay may not have reached them. 0: no wait (the
    // default; a store of one node has no replicas).
    virtual void setReplicaAcks(int minReplicas, int timeoutMs)
    {
        Q_UNUSED(minReplicas);
        Q_UNUSED(timeoutMs);
    }

    // Drops, per user, all but the newest \a keepPerUser notifications and any
    // older than \a olderThan; idempotency keys older than \a keysOlderThan.
    // lastSeq and read cursors are kept.
    virtual bool trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
                      QString *error)
        = 0;

protected:
    // 32 random hex characters.
    static QString newEpoch();
    // A push without a timestamp is stamped now, so that age-based trimming still applies.
    static qint64 msecsOf(const QDateTime &timestamp);
};

} // namespace Herald
