/**
 * The Lua scripts behind `redisState.ts`. Each runs atomically in Redis, so
 * two replicas can never interleave a read and a write of the same record.
 * Times come from Redis's own clock (`TIME`), so replicas whose clocks drift
 * still agree on windows, buckets and lease expiry.
 */

const NOW = "local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

/**
 * KEYS[1] the family hash. ARGV: jti, nextJti, expiresAtMs (of the new
 * token), reuseWindowMs. Returns {'ok', user}, {'replay', user, currentJti},
 * {'unknown'}, {'revoked'} or {'reused'} (the family is revoked then).
 */
export const ROTATE_FAMILY = `
local f = redis.call('HMGET', KEYS[1], 'user', 'cur', 'prev', 'at', 'revoked')
if not f[1] then return {'unknown'} end
if f[5] == '1' then return {'revoked'} end
${NOW}
if f[2] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'cur', ARGV[2], 'prev', ARGV[1], 'at', tostring(now))
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
  return {'ok', f[1]}
end
if f[3] == ARGV[1] and now - tonumber(f[4]) < tonumber(ARGV[4]) then
  return {'replay', f[1], f[2]}
end
redis.call('HSET', KEYS[1], 'revoked', '1')
return {'reused'}
`;

/**
 * KEYS[1] the family hash, KEYS[2] the user's family index (a sorted set
 * scored by expiry). ARGV: user, jti, expiresAtMs, familyId.
 */
export const START_FAMILY = `
${NOW}
redis.call('HSET', KEYS[1], 'user', ARGV[1], 'cur', ARGV[2], 'revoked', '0')
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1
`;

/** KEYS[1] a family hash: marks it revoked if it still exists (never creates one without expiry). */
export const REVOKE_FAMILY = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end
return 1
`;

/**
 * A token bucket, the one behind every rate limit and sign-in throttle.
 * KEYS[1] the bucket hash; ARGV: the allowance (the bucket's size), the
 * period in ms over which it refills, and what to do: 1 takes a token, 0
 * only looks, -1 gives one back (a sign-in that turned out right). Returns
 * 0 when a token was (or could be) taken, else the milliseconds until one
 * is available (the same arithmetic as RateLimiter). Looking never writes,
 * and a bucket expires two periods after its last change, full by then.
 */
export const TAKE_TOKEN = `
${NOW}
local per = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local rate = per / period
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if cost <= 0 and not b[1] then return 0 end
local tokens = tonumber(b[1]) or per
local at = tonumber(b[2]) or now
tokens = math.min(per, tokens + (now - at) * rate)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) / rate) end
if cost == 0 then return wait end
if cost > 0 then
  if wait == 0 then tokens = tokens - 1 end
else
  tokens = math.min(per, tokens + 1)
  wait = 0
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 2 * period)
return wait
`;

/**
 * Starts an admin page session. KEYS[1] the index of live sessions (a sorted
 * set of session hashes scored by expiry), KEYS[2] the prefix of a
 * session's own key (the hash is appended: the key's expiry is the
 * session's). ARGV: the session hash, ttlMs, the most sessions kept alive.
 * Expired sessions leave the index first; beyond the limit the oldest (all
 * share one TTL, so the lowest score) end, their keys deleted with them.
 */
export const START_ADMIN_SESSION = `
${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3]) + 1
if over > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[1], 0, over - 1)) do redis.call('DEL', KEYS[2] .. old) end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
end
redis.call('SET', KEYS[2] .. ARGV[1], '1', 'PX', ARGV[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * A counting semaphore. KEYS[1] a sorted set of lease holders scored by
 * expiry. ARGV: holder, limit, ttlMs. Expired leases (a replica that died)
 * are dropped first. Returns the number held afterwards, or -1 when full.
 */
export const ACQUIRE_SLOT = `
${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n + 1
`;

/**
 * KEYS[1] the semaphore, ARGV: holder, ttlMs. The holder's request is still
 * running, so a lease that is gone (Redis restarted without its data, or
 * was out of reach for longer than the lease) is held again, even beyond the
 * limit: the set then counts what really runs, and nobody else gets a slot
 * until enough of it ends. Returns 0 when the lease had to be held again.
 */
export const RENEW_SLOT = `
${NOW}
local had = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if had then return 1 end
return 0
`;

/**
 * Adds one replica's usage counts to the team's totals. KEYS[1] the users
 * hash, KEYS[2] the languages hash, KEYS[3] the series hash, KEYS[4] when
 * counting began, KEYS[5] the writer's last applied sequence number. ARGV:
 * seq, the entries as JSON ([hash 1-3, field, amount, mode, overflow]: mode
 * 'add' adds, 'max' raises; a new field beyond the hash's limit goes to
 * `overflow`, or nowhere when that is empty), the oldest series bucket kept,
 * the series' time to live in ms, the users' and languages' field limits.
 * A sequence number at or below the writer's last one was applied already
 * (a retry whose reply was lost) and adds nothing. Returns 1 when applied.
 */
export const ADD_USAGE = `
local seq = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[5]) or '0')
if seq <= last then return 0 end
redis.call('SET', KEYS[5], ARGV[1], 'PX', 86400000)
${NOW}
redis.call('SET', KEYS[4], tostring(now), 'NX')
local limits = { tonumber(ARGV[5]), tonumber(ARGV[6]) }
local function place(k, f, overflow)
  local limit = limits[k]
  if not limit or redis.call('HEXISTS', KEYS[k], f) == 1 or redis.call('HLEN', KEYS[k]) < limit then return f end
  if overflow ~= '' then return overflow end
  return nil
end
for _, e in ipairs(cjson.decode(ARGV[2])) do
  local k, amount = tonumber(e[1]), tonumber(e[3])
  if (k == 1 or k == 2 or k == 3) and amount and amount > 0 then
    local f = place(k, tostring(e[2]), tostring(e[5] or ''))
    if f then
      if e[4] == 'max' then
        if amount > tonumber(redis.call('HGET', KEYS[k], f) or '0') then redis.call('HSET', KEYS[k], f, tostring(amount)) end
      else
        redis.call('HINCRBYFLOAT', KEYS[k], f, tostring(amount))
      end
    end
  end
end
local oldest = tonumber(ARGV[3])
for _, f in ipairs(redis.call('HKEYS', KEYS[3])) do
  local i = tonumber(string.match(f, '|(-?%d+)$'))
  if not i or i < oldest then redis.call('HDEL', KEYS[3], f) end
end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
return 1
`;
