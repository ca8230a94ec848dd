#pragma once

#include "config/brokeraddress.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

struct redisContext;
struct redisReply;

namespace Herald {

// A hiredis reply, freed with freeReplyObject.
struct RedisReplyDeleter
{
    void operator()(redisReply *reply) const;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// A Lua script, run by its SHA-1 (EVALSHA) and loaded again when Redis answers NOSCRIPT
// (after a restart or SCRIPT FLUSH).
struct RedisScript
{
    explicit RedisScript(QByteArray source);
    QByteArray source;
    QByteArray sha1; // hex
};

// One blocking hiredis connection, for the store thread only (never a worker thread).
// Connects on first use with the connect and command timeouts; after a failure it drops
// the context and tries again on a later call, no sooner than a backoff that doubles from
// 100 ms to 5 s, failing calls in between at once. It logs once per change of state
// (up -> down, down -> up), not once per failed call.
class RedisConnection
{
public:
    explicit RedisConnection(BrokerAddress address, int timeoutMs = 2000);
    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    // Runs one command. Returns null and sets *error when the broker cannot be reached or
    // does not answer in time; an error reply (REDIS_REPLY_ERROR) is returned as a reply.
    RedisReply command(const QList<QByteArray> &args, QString *error);
    // Several commands in one round trip; all replies, or none and *error.
    std::vector<RedisReply> pipeline(const QList<QList<QByteArray>> &commands, QString *error);
    // EVALSHA, and EVAL when the script is not loaded.
    RedisReply eval(const RedisScript &script, const QList<QByteArray> &args, QString *error);
    // WAIT \a replicas \a timeoutMs: how many replicas have every write made so far on this
    // connection; the read timeout is lengthened by \a timeoutMs meanwhile. nullopt and
    // *error when the broker failed or refused (a replica refuses WAIT).
    std::optional<qint64> wait(int replicas, int timeoutMs, QString *error);

    // A reply's text (error or status or string) as QString, for messages.
    static QString text(const redisReply *reply);

private:
    bool ensureConnected(QString *error);
    bool connectNow(QString *error);
    RedisReply failed(QString *error);
    void markDown(const QString &why);
    static void append(redisContext *context, const QList<QByteArray> &args);

    BrokerAddress m_address;
    int m_timeoutMs;
    redisContext *m_context = nullptr;
    bool m_down = false; // logged as down; the next success logs "up again"
    int m_backoffMs = 0;
    QElapsedTimer m_sinceFailure;
    QString m_lastError;
};

} // namespace Herald
