#pragma once

#include <QStringList>

namespace Herald {

// Who is connected, as the store needs to know it: a broadcast is stored for
// every connected user too, and a push's outcome reports how many sessions
// it reached. Thread-safe: asked from the store thread.
class Audience
{
public:
    struct Reach
    {
        qsizetype usersOnline = 0;
        qsizetype sessions = 0;
    };

    virtual ~Audience() = default;

    virtual QStringList users() const = 0; // users with at least one session
    virtual qsizetype sessionCount() const = 0;
    virtual Reach reach(const QStringList &users) const = 0;
};

} // namespace Herald
