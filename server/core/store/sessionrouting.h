#pragma once

#include <QString>

#include <functional>

namespace Herald {

// With a broker: which users' pushes this node hears. A node hears a user's pushes only
// while it holds a session of that user (and pushes to many users, on the broadcast
// channel, always), so the store must not read a new session's position before this node hears the
// user: a push published in between would be in neither the position nor the live stream.
//
// Both functions may be called from any thread; calls from one thread are handled in
// order. Implemented by the broker's subscriber; StoreService calls it.
class SessionRouting
{
public:
    virtual ~SessionRouting() = default;

    // A session of \a user opens on this node. \a ready runs (in any thread) once this node
    // receives everything published for \a user from then on; at once when it already does,
    // and also at once when the broker is unreachable (the session then opens as it would
    // without routing, and may miss what is published until the broker is back).
    virtual void join(const QString &user, std::function<void()> ready) = 0;
    // A session that join() was called for has closed.
    virtual void leave(const QString &user) = 0;
};

} // namespace Herald
