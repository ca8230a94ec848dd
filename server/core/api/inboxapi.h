#pragma once

#include "api/apiguard.h"
#include "api/apireply.h"

#include <QObject>

namespace Herald {

class StoreService;

// The push API's view of users' streams: read cursors, unread counts and
// history. Every answer comes from the store thread, after pushes queued
// before it are committed.
class InboxApi
{
public:
    InboxApi(const ApiGuard &guard, StoreService &store);

    // POST /api/v1/users/<id>/read {"up_to":seq}
    void markRead(const QString &user, const QHttpServerRequest &request, const Reply &reply);
    // GET /api/v1/users/<id>/unread
    void unread(const QString &user, const QHttpServerRequest &request, const Reply &reply);
    // GET /api/v1/users/<id>/notifications?since=&before=&limit=
    void notifications(const QString &user, const QHttpServerRequest &request, const Reply &reply);

private:
    const ApiGuard &m_guard;
    StoreService &m_store;
    QObject m_callbacks; // context of the store's answers, in this (the main) thread
};

} // namespace Herald
