#pragma once

// ws/: the public WebSocket listener: acceptor, handshake gate, workers, sessions
// and the session directory. May include store/, config/, admin/ (the feed) and the
// root; never api/ (tests/structure/includes.cmake checks it).

#include "config/serverconfig.h"
#include "ws/tlsintake.h"
#include "ws/worker.h"

#include <QHostAddress>
#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

class QThread;

namespace Herald {

class HandshakeGate;
class TlsContext;

// N worker threads, each with one Worker. A user always maps to the same
// worker, so all of one user's sessions live in one thread and a push to a
// user is one queued call. Calls return at once; the work runs in the workers.
class WorkerPool : public QObject
{
    Q_OBJECT

public:
    WorkerPool(int count, const Worker::Settings &settings, SessionDirectory &directory,
               ServerStats &stats, StoreService &store, AdminFeed &feed, SessionSlots &slots,
               ServerConfig::EventLoop eventLoop, QObject *parent = nullptr);
    ~WorkerPool() override; // stops and joins the threads

    // The workers' settings from the server's configuration.
    static Worker::Settings settingsFor(const ServerConfig &config);

    int size() const { return int(m_workers.size()); }
    bool allRunning() const; // every worker thread is up (for /healthz)
    int indexFor(const QString &user) const;

    void adopt(const PendingConnection &connection);

    // wss://: gives every worker thread a TlsIntake (call once, before takeTls).
    void enableTls(const HandshakeGate &gate, const TlsContext &tls, const ProxyPolicy &proxies,
                   SessionSlots &slots, ServerStats &stats, int handshakeTimeoutMs,
                   qint64 maxIncomingMessageBytes);
    // Deals a connection whose first byte is a TLS record to the next worker
    // thread in turn; its upgrade then goes to the user's worker.
    void takeTls(const TlsIntake::Arrival &arrival);
    // Stored notifications, each target with its own seq; posted in call order,
    // so every user's frames reach its worker in seq order.
    void deliverStored(const QList<std::pair<QString, qint64>> &targets, const QString &frame);
    void deliver(const QStringList &users, const QString &frame);
    // The user's new unread count and read cursor; the worker sends them as
    // unread frames, coalesced (Worker::deliverUnread).
    void deliverUnread(const QString &user, qint64 unread, qint64 readUpTo);
    void broadcast(const QString &frame);
    void disconnectSession(const QString &user, const QString &sessionId);
    void disconnectUser(const QString &user);
    // Closes, with 1013 "missed notifications: resume", each live session whose user's last
    // seq in \a seqs is past what the session was sent (its node missed a message).
    void closeBehind(const QHash<QString, qint64> &seqs);
    // Every worker closes its sessions with 1012, spread over \a drainMs
    // (Worker::shutdown); drained() once all are gone.
    void shutdown(int drainMs = 0);
    void hurry(); // during shutdown: every worker closes the rest at once
    // A reload: each worker takes \a settings in its own thread (Worker::reconfigure).
    void reconfigure(const Worker::Settings &settings);

Q_SIGNALS:
    void drained();
    // A connection given to takeTls() is no longer being read (TlsIntake::finished).
    void tlsIntakeFinished(const QHostAddress &counted);

private:
    template<typename Function> void post(int index, Function &&function);

    std::vector<QThread *> m_threads;
    std::vector<Worker *> m_workers;
    std::vector<TlsIntake *> m_intakes; // one per worker thread, with wss://
    size_t m_nextIntake = 0;
    int m_draining = 0;
};

} // namespace Herald
