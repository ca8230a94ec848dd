#include "broker/redisconnection.h"

#include "logging.h"

#include <QCryptographicHash>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

constexpr int FirstBackoffMs = 100;
constexpr int MaxBackoffMs = 5000;

timeval toTimeval(int ms)
{
    return timeval{ms / 1000, (ms % 1000) * 1000};
}

} // namespace

void RedisReplyDeleter::operator()(redisReply *reply) const
{
    freeReplyObject(reply);
}

RedisScript::RedisScript(QByteArray text)
    : source(std::move(text)),
      sha1(QCryptographicHash::hash(source, QCryptographicHash::Sha1).toHex())
{ }

RedisConnection::RedisConnection(BrokerAddress address, int timeoutMs)
    : m_address(std::move(address)), m_timeoutMs(timeoutMs)
{ }

RedisConnection::~RedisConnection()
{
    if (m_context)
        redisFree(m_context);
}

QString RedisConnection::text(const redisReply *reply)
{
    if (!reply || !reply->str)
        return QString();
    return QString::fromUtf8(reply->str, qsizetype(reply->len));
}

bool RedisConnection::ensureConnected(QString *error)
{
    if (m_context)
        return true;
    if (m_backoffMs > 0 && !m_sinceFailure.hasExpired(m_backoffMs)) {
        *error = u"the broker %1 is unavailable (%2); next attempt within %3 ms"_s.arg(
            m_address.display(), m_lastError,
            QString::number(m_backoffMs - m_sinceFailure.elapsed()));
        return false;
    }
    if (!connectNow(error)) {
        markDown(*error);
        return false;
    }
    if (m_down)
        qCInfo(lcBroker).noquote() << "broker" << m_address.display() << "is reachable again";
    m_down = false;
    m_backoffMs = 0;
    return true;
}

bool RedisConnection::connectNow(QString *error)
{
    const QByteArray host = m_address.host.toUtf8();
    m_context = redisConnectWithTimeout(host.constData(), m_address.port, toTimeval(m_timeoutMs));
    if (!m_context || m_context->err) {
        *error = u"cannot connect to the broker %1: %2"_s.arg(
            m_address.display(),
            m_context ? QString::fromUtf8(m_context->errstr) : u"out of memory"_s);
        if (m_context)
            redisFree(m_context);
        m_context = nullptr;
        return false;
    }
    redisSetTimeout(m_context, toTimeval(m_timeoutMs));
    QList<QList<QByteArray>> setup;
    if (!m_address.password.isEmpty())
        setup.append({"AUTH", m_address.password});
    setup.append({"SELECT", QByteArray::number(m_address.db)});
    const std::vector<RedisReply> replies = pipeline(setup, error);
    for (const RedisReply &reply : replies) {
        if (reply->type == REDIS_REPLY_ERROR) {
            *error = u"the broker %1 refused the connection: %2"_s.arg(m_address.display(),
                                                                       text(reply.get()));
            redisFree(m_context);
            m_context = nullptr;
            break;
        }
    }
    return m_context != nullptr;
}

void RedisConnection::markDown(const QString &why)
{
    m_lastError = why;
    m_sinceFailure.start();
    m_backoffMs = m_backoffMs == 0 ? FirstBackoffMs : std::min(m_backoffMs * 2, MaxBackoffMs);
    if (!m_down)
        qCWarning(lcBroker).noquote() << "broker down:" << why << "- retrying with backoff";
    m_down = true;
}

RedisReply RedisConnection::failed(QString *error)
{
    *error = u"the broker %1 failed: %2"_s.arg(m_address.display(),
                                               QString::fromUtf8(m_context->errstr));
    redisFree(m_context);
    m_context = nullptr;
    markDown(*error);
    return nullptr;
}

void RedisConnection::append(redisContext *context, const QList<QByteArray> &args)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    redisAppendCommandArgv(context, int(argv.size()), argv.data(), lengths.data());
}

RedisReply RedisConnection::command(const QList<QByteArray> &args, QString *error)
{
    std::vector<RedisReply> replies = pipeline({args}, error);
    return replies.empty() ? nullptr : std::move(replies.front());
}

std::vector<RedisReply> RedisConnection::pipeline(const QList<QList<QByteArray>> &commands,
                                                  QString *error)
{
    std::vector<RedisReply> replies;
    if (!ensureConnected(error))
        return replies;
    for (const QList<QByteArray> &args : commands)
        append(m_context, args);
    for (qsizetype i = 0; i < commands.size(); ++i) {
        void *reply = nullptr;
        if (redisGetReply(m_context, &reply) != REDIS_OK || !reply) {
            failed(error);
            return {};
        }
        replies.emplace_back(static_cast<redisReply *>(reply));
    }
    return replies;
}

RedisReply RedisConnection::eval(const RedisScript &script, const QList<QByteArray> &args,
                                 QString *error)
{
    RedisReply reply = command(QList<QByteArray>{"EVALSHA", script.sha1, "0"} + args, error);
    if (reply && reply->type == REDIS_REPLY_ERROR && text(reply.get()).startsWith(u"NOSCRIPT"_s))
        reply = command(QList<QByteArray>{"EVAL", script.source, "0"} + args, error);
    return reply;
}

std::optional<qint64> RedisConnection::wait(int replicas, int timeoutMs, QString *error)
{
    if (!ensureConnected(error))
        return std::nullopt;
    redisSetTimeout(m_context, toTimeval(m_timeoutMs + timeoutMs));
    const RedisReply reply
        = command({"WAIT", QByteArray::number(replicas), QByteArray::number(timeoutMs)}, error);
    if (m_context)
        redisSetTimeout(m_context, toTimeval(m_timeoutMs));
    if (reply && reply->type == REDIS_REPLY_INTEGER)
        return reply->integer;
    if (reply)
        *error = u"the broker refused WAIT: "_s + text(reply.get());
    return std::nullopt;
}

} // namespace Herald
