import { LuaScript } from '../redis/lua-script.js';
/**
 * Counts one death in one (cause, scope) window and opens the incident when the window is full.
 * KEYS[1] deaths ZSET of the (cause, scope); KEYS[2] HASH of open incidents by "cause|scope".
 * ARGV: now, windowMs, threshold, taskId, field, newIncidentId.
 * Returns {'attached', id} | {'opened', id, taskIds...} | {'counted'}.
 */
export const RECORD_DEATH = new LuaScript(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local open = redis.call('HGET', KEYS[2], ARGV[5])
if open then return {'attached', open} end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
  local out = {'opened', ARGV[6]}
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do out[#out + 1] = id end
  return out
end
return {'counted'}
`);

/**
 * One healthy completion in an incident's scope; the third in a row resolves it.
 * KEYS[1] incident HASH; KEYS[2] open-incidents HASH. ARGV: needed, now, taskId, field, incidentId.
 * Returns 1 when this call resolved it.
 */
export const RECORD_HEALTHY = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], 'resolvedAt') == 1 then return 0 end
local n = redis.call('HINCRBY', KEYS[1], 'healthy', 1)
if n < tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'resolvedAt', ARGV[2], 'resolvedBy', ARGV[3])
if redis.call('HGET', KEYS[2], ARGV[4]) == ARGV[5] then redis.call('HDEL', KEYS[2], ARGV[4]) end
return 1
`);

/**
 * An operator closes an incident: once (a second call changes nothing), and only an incident
 * that exists. KEYS[1] incident HASH; KEYS[2] open-incidents HASH. ARGV: now, resolvedBy, incidentId.
 * Returns -1 for no such incident, 0 when it was already resolved, 1 when this call resolved it.
 */
export const RESOLVE_INCIDENT = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'resolvedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'resolvedAt', ARGV[1], 'resolvedBy', ARGV[2])
local field = redis.call('HGET', KEYS[1], 'cause') .. '|' .. redis.call('HGET', KEYS[1], 'scope')
if redis.call('HGET', KEYS[2], field) == ARGV[3] then redis.call('HDEL', KEYS[2], field) end
return 1
`);
