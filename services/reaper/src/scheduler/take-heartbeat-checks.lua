--[[
  Takes the heartbeat-judged tasks that must be judged now, in one step (two scheduler replicas,
  or two ticks of one, never take the same task for the same round): those whose heartbeat is
  stale (a range of the heartbeat index: O(stale)) and those whose check time has come (their
  deadline: O(due)). Each is taken at most once per interval: its check moves to now + interval
  while it is stale or past its deadline, else back to its deadline. A stale task whose check is
  a deadline more than an interval away is taken at once. A task with no target entry
  (no longer IN_PROGRESS) is skipped; its index entries left with it.

  Input:
    KEYS[1] heartbeat index ZSET (task id by last beat)
    KEYS[2] heartbeat-check ZSET (task id by when it must be judged next)
    KEYS[3] deadline ZSET (task id by deadline)
    KEYS[4] probe-target HASH (task id -> "<phase>|<host key>|<target json>")

    ARGV[1] now (ms)
    ARGV[2] the newest stale heartbeat score (staleHeartbeatBefore)
    ARGV[3] interval between two judgements of one task (ms)
    ARGV[4] max tasks to take

  Output:
    a flat list {id1, targetJson1, id2, targetJson2, ...}
]]
local now = tonumber(ARGV[1])
local staleBefore = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local out = {}
local seen = {}

local function take(id)
  if seen[id] or #out >= 2 * max then return end
  seen[id] = true
  -- Paced: judged less than an interval ago (a check further off is a deadline, which a stale
  -- heartbeat does not wait for).
  local check = redis.call('ZSCORE', KEYS[2], id)
  if check and tonumber(check) > now and tonumber(check) <= now + interval then return end
  local entry = redis.call('HGET', KEYS[4], id)
  if not entry then return end
  local beat = redis.call('ZSCORE', KEYS[1], id)
  local deadline = redis.call('ZSCORE', KEYS[3], id)
  local nextAt = now + interval
  if beat and tonumber(beat) > staleBefore and deadline and tonumber(deadline) > now then nextAt = tonumber(deadline) end
  redis.call('ZADD', KEYS[2], nextAt, id)
  local sep1 = string.find(entry, '|', 1, true)
  local sep2 = string.find(entry, '|', sep1 + 1, true)
  out[#out + 1] = id
  out[#out + 1] = string.sub(entry, sep2 + 1)
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', staleBefore, 'LIMIT', 0, max)) do take(id) end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, max)) do take(id) end
return out
