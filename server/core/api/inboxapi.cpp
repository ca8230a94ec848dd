#include "api/inboxapi.h"

#include "jsontext.h"
#include "logging.h"
#include "logtext.h"
#include "store/storeservice.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

using Method = QHttpServerRequest::Method;

QJsonObject stateJson(const QString &user, const UserState &state, const QString &epoch)
{
    return {{u"user"_s, user},
            {u"unread"_s, double(state.unread)},
            {u"read_up_to"_s, double(state.readCursor)},
            {u"seq"_s, double(state.lastSeq)},
            {u"epoch"_s, epoch}};
}

std::optional<qint64> upToField(const QByteArray &body)
{
    const QJsonValue value
        = JsonText::parse(body).value_or(QJsonValue()).toObject().value(u"up_to"_s);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number != std::floor(number) || number > 9.0e15)
        return std::nullopt;
    return qint64(number);
}

} // namespace

InboxApi::InboxApi(const ApiGuard &guard, StoreService &store) : m_guard(guard), m_store(store)
{ }

void InboxApi::markRead(const QString &userSegment, const QHttpServerRequest &request,
                        const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Post, true))
        return reply->send(ApiGuard::errorResponse(*error));
    if (!JsonText::parse(request.body()).value_or(QJsonValue()).isObject())
        return reply->send(ApiGuard::errorResponse(ApiError::invalidJson(u"expected an object"_s)));
    const std::optional<qint64> upTo = upToField(request.body());
    if (!upTo) {
        return reply->send(ApiGuard::errorResponse(
            ApiError::invalidField(u"up_to"_s, u"must be a whole number >= 0"_s)));
    }
    const QString user = ApiGuard::decoded(userSegment);
    m_store.markRead(
        user, *upTo, &m_callbacks,
        [reply, user](const UserState &state, const QString &epoch, const QString &error) {
            if (!error.isEmpty()) {
                return reply->send(ApiGuard::errorResponse({503, u"store_unavailable"_s, error}));
            }
            qCInfo(lcApi).noquote() << "read user" << LogText::escaped(user) << "up to"
                                    << state.readCursor << "unread" << state.unread;
            reply->send(QHttpServerResponse(stateJson(user, state, epoch)));
        });
}

void InboxApi::unread(const QString &userSegment, const QHttpServerRequest &request,
                      const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return reply->send(ApiGuard::errorResponse(*error));
    const QString user = ApiGuard::decoded(userSegment);
    m_store.userState(
        user, &m_callbacks,
        [reply, user](const UserState &state, const QString &epoch, const QString &error) {
            if (!error.isEmpty()) {
                return reply->send(ApiGuard::errorResponse({503, u"store_unavailable"_s, error}));
            }
            reply->send(QHttpServerResponse(stateJson(user, state, epoch)));
        });
}

void InboxApi::notifications(const QString &userSegment, const QHttpServerRequest &request,
                             const Reply &reply)
{
    if (auto error = m_guard.check(request, Method::Get, false))
        return reply->send(ApiGuard::errorResponse(*error));
    const auto limit = ApiGuard::queryNumber(request, u"limit"_s, 50, 1, 1000);
    const auto since = ApiGuard::queryNumber(request, u"since"_s, 0, 0, qint64(9e15));
    const auto before = ApiGuard::queryNumber(request, u"before"_s, 0, 0, qint64(9e15));
    for (const auto &[value, name, rule] :
         {std::tuple{limit, u"limit"_s, u"must be an integer 1-1000"_s},
          {since, u"since"_s, u"must be a whole number >= 0"_s},
          {before, u"before"_s, u"must be a whole number >= 0"_s}}) {
        if (!value)
            return reply->send(ApiGuard::errorResponse(ApiError::invalidField(name, rule)));
    }
    const QString user = ApiGuard::decoded(userSegment);
    const StoreService::HistoryQuery query{*before, *since, int(*limit)};
    m_store.history(
        user, query, &m_callbacks,
        [reply, user, query](const QList<StoredNotification> &page, const QString &epoch,
                             const QString &error) {
            if (!error.isEmpty()) {
                return reply->send(ApiGuard::errorResponse(
                    {503, u"store_unavailable"_s, u"The store could not be read: try again"_s}));
            }
            QJsonArray list;
            for (const StoredNotification &notification : page)
                list.append(notification.toJson());
            // Older ones may remain: page on with before=<oldest seq here>.
            const QJsonValue next = page.size() == query.limit && page.last().seq > 1
                ? QJsonValue(double(page.last().seq))
                : QJsonValue(QJsonValue::Null);
            reply->send(QHttpServerResponse(QJsonObject{{u"user"_s, user},
                                                        {u"epoch"_s, epoch},
                                                        {u"notifications"_s, list},
                                                        {u"next_before"_s, next}}));
        });
}

} // namespace Herald
