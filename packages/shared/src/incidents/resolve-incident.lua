--[[
  An operator closes an incident: once (a second call changes nothing), and only an incident
  that exists.

  Input:
    KEYS[1] incident HASH
    KEYS[2] open-incidents HASH

    ARGV[1] now (ms)
    ARGV[2] resolved by (the operator)
    ARGV[3] incident id

  Output:
    -1 no such incident, 0 it was already resolved, 1 this call resolved it
]]
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'resolvedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'resolvedAt', ARGV[1], 'resolvedBy', ARGV[2])
local field = redis.call('HGET', KEYS[1], 'cause') .. '|' .. redis.call('HGET', KEYS[1], 'scope')
if redis.call('HGET', KEYS[2], field) == ARGV[3] then redis.call('HDEL', KEYS[2], field) end
return 1
