--[[
  One healthy completion in an incident's scope; the one that makes `needed` in a row resolves it.

  Input:
    KEYS[1] incident HASH
    KEYS[2] open-incidents HASH

    ARGV[1] needed: healthy completions that resolve the incident
    ARGV[2] now (ms)
    ARGV[3] task id (recorded as resolvedBy)
    ARGV[4] field "cause|scope" in the open-incidents HASH
    ARGV[5] incident id

  Output:
    1 this call resolved it, 0 otherwise
]]
if redis.call('HEXISTS', KEYS[1], 'resolvedAt') == 1 then return 0 end
local n = redis.call('HINCRBY', KEYS[1], 'healthy', 1)
if n < tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'resolvedAt', ARGV[2], 'resolvedBy', ARGV[3])
if redis.call('HGET', KEYS[2], ARGV[4]) == ARGV[5] then redis.call('HDEL', KEYS[2], ARGV[4]) end
return 1
