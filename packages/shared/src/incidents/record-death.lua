--[[
  Counts one death in one (cause, scope) window and opens the incident when the window is full.

  Input:
    KEYS[1] deaths ZSET of the (cause, scope)
    KEYS[2] HASH of open incidents by "cause|scope"

    ARGV[1] now (ms)
    ARGV[2] window (ms)
    ARGV[3] threshold: deaths in the window that open an incident
    ARGV[4] task id
    ARGV[5] field "cause|scope"
    ARGV[6] id for an incident this call opens

  Output:
    {'attached', id}               an incident was already open in the scope
    {'opened', id, taskIds...}     this death opened one; the window's deaths are its tasks
    {'counted'}                    counted, the window not full
]]
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
