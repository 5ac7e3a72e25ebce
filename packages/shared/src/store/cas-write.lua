--[[
  Writes a task only if its revision is still the one that was read, and applies the index
  operations in the same step. Guards are keys that must not exist yet (idempotency keys,
  fingerprints): when one does, nothing is written and its value is returned.

  Input:
    KEYS[1] task hash
    KEYS[2..] index, counter and guard keys, addressed by their position from the ops and
              guards below (all in the task's hash tag)

    ARGV[1] expected rev ('' = the task must not exist)
    ARGV[2] task json
    ARGV[3] JSON [[opName, keyIndex, a, b, c], ...]: zadd (score, member, c = 'LT' to
            only lower a score), zrem (member),
            sadd (member), hset (field, value), hdel (field), incr, xadd (field
            `id` = a, approximate MAXLEN b)
    ARGV[4] JSON [keyIndex, ...]: the guard keys
    ARGV[5] task id: the guards' value, and the hash's id field

  Output:
    {1, newRev}     written
    {0, currentRev} the revision moved (or the task exists, or does not): nothing written
    {2, guardValue} a guard is taken: nothing written
]]
local rev = redis.call('HGET', KEYS[1], 'rev')
if ARGV[1] == '' then
  if rev then return {0, rev} end
elseif rev ~= ARGV[1] then
  return {0, rev or ''}
end
local guards = cjson.decode(ARGV[4])
for _, g in ipairs(guards) do
  local v = redis.call('GET', KEYS[g])
  if v then return {2, v} end
end
for _, g in ipairs(guards) do
  redis.call('SET', KEYS[g], ARGV[5])
end
local newRev = tostring((tonumber(rev) or 0) + 1)
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'rev', newRev, 'id', ARGV[5])
-- The writer read the claim claim.lua recorded (the rev says so): its task JSON has it folded in.
redis.call('HDEL', KEYS[1], 'claim')
local ops = cjson.decode(ARGV[3])
for _, op in ipairs(ops) do
  local name, key = op[1], KEYS[op[2]]
  if name == 'zadd' then
    if op[5] == 'LT' then
      redis.call('ZADD', key, 'LT', op[3], op[4])
    else
      redis.call('ZADD', key, op[3], op[4])
    end
  elseif name == 'zrem' then
    redis.call('ZREM', key, op[3])
  elseif name == 'sadd' then
    redis.call('SADD', key, op[3])
  elseif name == 'hset' then
    redis.call('HSET', key, op[3], op[4])
  elseif name == 'hdel' then
    redis.call('HDEL', key, op[3])
  elseif name == 'incr' then
    redis.call('INCR', key)
  elseif name == 'xadd' then
    redis.call('XADD', key, 'MAXLEN', '~', op[4], '*', 'id', op[3])
  end
end
return {1, newRev}
