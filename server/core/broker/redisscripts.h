#pragma once

#include "broker/redisconnection.h"

namespace Herald {

// The Lua scripts of RedisStore; each runs atomically in Redis. Keys are built inside
// the scripts from the prefix (ARGV[1]), so they suit one Redis (with its replicas), not
// Redis Cluster. The layout is described in redisstore.h.
struct RedisScripts
{
    // ARGV: prefix, epoch, keep, keyTtlMs, touchKept ('1': a known key's answer is written
    // again as it is, so that a WAIT after the script also covers the push it replays, which
    // another node may have committed), routedUsersMax, targetsPerMessage, entryCount,
    // then per entry: idempotency key ('' for none), key timestamp, body, frame, userCount,
    // then the user ids. An entry for at most routedUsersMax users is published on each
    // user's channel, one for more on the broadcast channel, targetsPerMessage users per
    // message (ChannelMap).
    // Fails with "HERALD_EPOCH" when the epoch key differs (the broker lost its data).
    // Returns per entry "K", <kept answer> for a known key, or "N", <seq per user>.
    static const RedisScript &append();
    // ARGV: prefix, user, upTo. Moves the cursor forward to min(upTo, last), publishes the
    // user's state on the user's channel and returns it as {last, read, unread, oldest}.
    static const RedisScript &markRead();
    // ARGV: prefix, user. Returns {last, read, unread, oldest}.
    static const RedisScript &state();
    // ARGV: prefix, keep, cutoffMs ('' for none), users... Trims each user's stream.
    static const RedisScript &trim();
    // ARGV: prefix, cutoffMs. Forgets idempotency keys recorded before cutoffMs.
    static const RedisScript &trimKeys();
};

} // namespace Herald
