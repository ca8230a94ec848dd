#include "broker/redisscripts.h"

namespace Herald {
namespace {

// The state of one user, as markRead and state return it; `u` is the hash key, `s` the
// stream key.
constexpr char StateFunction[] = R"lua(
local function state(u, s)
  local h = redis.call('HMGET', u, 'last', 'read')
  local last = tonumber(h[1]) or 0
  local read = tonumber(h[2]) or 0
  local unread = redis.call('ZCOUNT', s, '(' .. read, '+inf')
  local first = redis.call('ZRANGE', s, 0, 0, 'WITHSCORES')
  local oldest = 0
  if first[2] then oldest = tonumber(first[2]) end
  return {last, read, unread, oldest}
end
)lua";

constexpr char AppendBody[] = R"lua(
local p = ARGV[1]
if redis.call('GET', p .. 'epoch') ~= ARGV[2] then
  return redis.error_reply('HERALD_EPOCH the broker has another epoch: its data was lost or replaced')
end
local keep = tonumber(ARGV[3])
local keyTtl = tonumber(ARGV[4])
local touchKept = ARGV[5] == '1'
local routedMax = tonumber(ARGV[6])
local perMessage = tonumber(ARGV[7])
local count = tonumber(ARGV[8])
local i = 9
local out = {}
for _ = 1, count do
  local key, keyTs, body, frame = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local users = tonumber(ARGV[i + 4])
  i = i + 5
  local kept = false
  if key ~= '' then kept = redis.call('GET', p .. 'key:' .. key) end
  if kept then
    out[#out + 1] = 'K'
    out[#out + 1] = kept
    if touchKept then redis.call('SET', p .. 'key:' .. key, kept, 'XX', 'KEEPTTL') end
    i = i + users
  else
    out[#out + 1] = 'N'
    local targets = {}
    for _ = 1, users do
      local user = ARGV[i]
      i = i + 1
      local seq = redis.call('HINCRBY', p .. 'u:' .. user, 'last', 1)
      local s = p .. 's:' .. user
      redis.call('ZADD', s, seq, seq .. ':' .. body)
      local size = redis.call('ZCARD', s)
      if size > keep then redis.call('ZREMRANGEBYRANK', s, 0, size - keep - 1) end
      redis.call('SADD', p .. 'users', user)
      out[#out + 1] = seq
      targets[#targets + 1] = {user, seq}
    end
    if users <= routedMax then
      for _, target in ipairs(targets) do
        redis.call('PUBLISH', p .. 'user:' .. target[1], cjson.encode({f = frame, t = {target}}))
      end
    else
      for first = 1, #targets, perMessage do
        local piece = {}
        for j = first, math.min(first + perMessage - 1, #targets) do piece[#piece + 1] = targets[j] end
        redis.call('PUBLISH', p .. 'broadcast', cjson.encode({f = frame, t = piece}))
      end
    end
    if key ~= '' then
      redis.call('SET', p .. 'key:' .. key, 'P', 'PX', keyTtl)
      redis.call('ZADD', p .. 'keys', keyTs, key)
    end
  end
end
return out
)lua";

constexpr char MarkReadBody[] = R"lua(
local p, user = ARGV[1], ARGV[2]
local u, s = p .. 'u:' .. user, p .. 's:' .. user
local last = tonumber(redis.call('HGET', u, 'last') or '0')
if last == 0 then return {0, 0, 0, 0} end
local read = tonumber(redis.call('HGET', u, 'read') or '0')
local upTo = math.min(tonumber(ARGV[3]), last)
if upTo > read then redis.call('HSET', u, 'read', upTo) end
local st = state(u, s)
redis.call('PUBLISH', p .. 'user:' .. user,
  cjson.encode({u = user, l = st[1], c = st[2], n = st[3], o = st[4]}))
return st
)lua";

constexpr char StateBody[] = R"lua(
local p = ARGV[1]
return state(p .. 'u:' .. ARGV[2], p .. 's:' .. ARGV[2])
)lua";

// Age: members are "<seq>:<ts>:...", so the timestamp is read without decoding the body;
// timestamps may go backwards, so every member is looked at.
constexpr char TrimBody[] = R"lua(
local p, keep, cutoff = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, #ARGV do
  local s = p .. 's:' .. ARGV[i]
  local size = redis.call('ZCARD', s)
  if size > keep then redis.call('ZREMRANGEBYRANK', s, 0, size - keep - 1) end
  if cutoff then
    for _, member in ipairs(redis.call('ZRANGE', s, 0, -1)) do
      local ts = tonumber(string.match(member, '^%d+:(%-?%d+):'))
      if ts and ts < cutoff then redis.call('ZREM', s, member) end
    end
  end
end
return 1
)lua";

constexpr char TrimKeysBody[] = R"lua(
local p = ARGV[1]
local old = redis.call('ZRANGEBYSCORE', p .. 'keys', '-inf', '(' .. ARGV[2])
for _, key in ipairs(old) do
  redis.call('DEL', p .. 'key:' .. key)
  redis.call('ZREM', p .. 'keys', key)
end
return #old
)lua";

} // namespace

const RedisScript &RedisScripts::append()
{
    static const RedisScript script{QByteArray(AppendBody)};
    return script;
}

const RedisScript &RedisScripts::markRead()
{
    static const RedisScript script{QByteArray(StateFunction) + MarkReadBody};
    return script;
}

const RedisScript &RedisScripts::state()
{
    static const RedisScript script{QByteArray(StateFunction) + StateBody};
    return script;
}

const RedisScript &RedisScripts::trim()
{
    static const RedisScript script{QByteArray(TrimBody)};
    return script;
}

const RedisScript &RedisScripts::trimKeys()
{
    static const RedisScript script{QByteArray(TrimKeysBody)};
    return script;
}

} // namespace Herald
