#include "admincommands.h"

#include "admin/adminkeys.h"
#include "cluster/clusterpresence.h"
#include "push/pushservice.h"
#include "pushrequest.h"
#include "store/storeservice.h"
#include "ws/sessiondirectory.h"
#include "ws/workerpool.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminCommands::AdminCommands(PushService &pushes, SessionDirectory &directory, WorkerPool &pool,
                             StoreService &store, int maxUsersPerPush)
    : m_pushes(pushes),
      m_directory(directory),
      m_pool(pool),
      m_store(store),
      m_maxUsersPerPush(maxUsersPerPush)
{ }

AdminCommandResult AdminCommands::failure(const QString &code, const QString &message)
{
    return AdminCommandResult::failure(code, message);
}

AdminCommandResult AdminCommands::success(const QJsonObject &result)
{
    return AdminCommandResult::success(result);
}

void AdminCommands::run(const QJsonObject &command, const Done &done)
{
    const QString name = command.value(u"command"_s).toString();
    if (name == u"notify"_s || name == u"broadcast"_s)
        return push(command, name == u"broadcast"_s, done);
    if (name == u"disconnect_session"_s)
        return disconnectSession(command, done);
    if (name == u"disconnect_user"_s)
        return disconnectUser(command, done);
    if (name == u"history"_s)
        return history(command, done);
    if (name == u"reload"_s)
        return reload(done);
    done(failure(u"unknown_command"_s, u"Unknown command '%1'"_s.arg(name)));
}

void AdminCommands::push(const QJsonObject &command, bool broadcast, const Done &done)
{
    // The push API's own parser: a test push is held to the same rules.
    QJsonObject body;
    for (const QString &key : {u"users"_s, u"event"_s, u"data"_s, u"store"_s}) {
        if (command.contains(key))
            body.insert(key, command.value(key));
    }
    const auto kind = broadcast ? PushRequest::Kind::Broadcast : PushRequest::Kind::Notify;
    const PushRequest::Result parsed = PushRequest::fromJson(body, kind, m_maxUsersPerPush);
    if (const auto *error = std::get_if<ApiError>(&parsed))
        return done(failure(error->code, error->message));
    m_pushes.submit(std::get<PushRequest>(parsed), [done](const PushResult &result) {
        if (const auto *outcome = std::get_if<PushOutcome>(&result))
            return done(success(outcome->toJson()));
        const auto &refusal = std::get<PushFailure>(result);
        done(failure(refusal.code(), refusal.message));
    });
}

void AdminCommands::disconnectSession(const QJsonObject &command, const Done &done)
{
    const QString id = command.value(u"session"_s).toString();
    if (m_presence) {
        using Outcome = ClusterPresence::Outcome;
        return m_presence->kickSession(
            id, &m_callbacks, [done, id](Outcome outcome, const AdminSessionRecord &record) {
                if (outcome == Outcome::NotFound)
                    return done(failure(u"not_found"_s, u"No live session '%1'"_s.arg(id)));
                if (outcome == Outcome::Unavailable)
                    return done(failure(u"broker_unavailable"_s, u"The broker does not answer"_s));
                done(success(
                    {{u"session"_s, id}, {u"disconnected"_s, 1}, {u"node"_s, record.node}}));
            });
    }
    const std::optional<SessionInfo> session = m_directory.session(id);
    if (!session)
        return done(failure(u"not_found"_s, u"No live session '%1'"_s.arg(id)));
    m_pool.disconnectSession(session->user, session->id);
    done(success({{u"session"_s, id}, {u"disconnected"_s, 1}}));
}

void AdminCommands::disconnectUser(const QJsonObject &command, const Done &done)
{
    const QString user = command.value(u"user"_s).toString();
    if (user.isEmpty())
        return done(failure(u"invalid_field"_s, u"Field 'user' must be a non-empty string"_s));
    if (m_presence) {
        return m_presence->kickUser(user, &m_callbacks, [done, user](std::optional<qsizetype> n) {
            if (!n)
                return done(failure(u"broker_unavailable"_s, u"The broker does not answer"_s));
            done(success({{u"user"_s, user}, {u"disconnected"_s, double(*n)}}));
        });
    }
    const qsizetype sessions = m_directory.sessionsOf(user).size();
    m_pool.disconnectUser(user);
    done(success({{u"user"_s, user}, {u"disconnected"_s, double(sessions)}}));
}

void AdminCommands::history(const QJsonObject &command, const Done &done)
{
    const QString user = command.value(u"user"_s).toString();
    const int limit = command.value(u"limit"_s).toInt(50);
    if (user.isEmpty())
        return done(failure(u"invalid_field"_s, u"Field 'user' must be a non-empty string"_s));
    if (limit < 1 || limit > 1000)
        return done(failure(u"invalid_field"_s, u"Field 'limit' must be an integer 1-1000"_s));
    m_store.userState(user, &m_callbacks,
                      [this, done, user, limit](const UserState &state, const QString &epoch,
                                                const QString &stateError) {
                          if (!stateError.isEmpty())
                              return done(failure(u"store_unavailable"_s, stateError));
                          m_store.history(
                              user, {0, 0, limit}, &m_callbacks,
                              [done, user, state, epoch](const QList<StoredNotification> &page,
                                                         const QString &, const QString &error) {
                                  if (!error.isEmpty()) {
                                      return done(
                                          failure(u"store_unavailable"_s,
                                                  u"The store could not be read: try again"_s));
                                  }
                                  QJsonArray list;
                                  for (const StoredNotification &n : page)
                                      list.append(n.toJson());
                                  done(success({{u"user"_s, user},
                                                {u"unread"_s, double(state.unread)},
                                                {u"read_up_to"_s, double(state.readCursor)},
                                                {u"seq"_s, double(state.lastSeq)},
                                                {u"epoch"_s, epoch},
                                                {u"notifications"_s, list}}));
                              });
                      });
}

// {"applied":[keys],"needs_restart":[keys]}, or config_invalid with the loader's message.
void AdminCommands::reload(const Done &done)
{
    if (!m_reload)
        return done(
            failure(u"config_invalid"_s, u"This server cannot re-read its configuration"_s));
    const ReloadReport report = m_reload();
    if (!report.ok)
        return done(failure(u"config_invalid"_s, report.error));
    QJsonObject result;
    result.insert(AdminKey::Applied, QJsonArray::fromStringList(report.applied));
    result.insert(AdminKey::NeedsRestart, QJsonArray::fromStringList(report.needsRestart));
    done(success(result));
}

} // namespace Herald
