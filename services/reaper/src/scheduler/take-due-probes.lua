--[[
  Takes the probes that have come due and moves each to its next slot, in one step: two
  scheduler replicas (or two ticks of one) never enqueue the same task for the same round.
  A task's slots sit at its phase within each interval (`<phase>|<json>` in the target hash), so
  a host's runners stay in one round however far apart they were claimed. A due task with no
  target entry (no longer probed) leaves the schedule.

  Input:
    KEYS[1] probe schedule ZSET (task id by next due time)
    KEYS[2] probe-target HASH (task id -> "<phase>|<target json>")

    ARGV[1] now (ms)
    ARGV[2] probe interval (ms)
    ARGV[3] max tasks to take

  Output:
    a flat list {id1, targetJson1, id2, targetJson2, ...}
]]
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(due) do
  local entry = redis.call('HGET', KEYS[2], id)
  if entry then
    local sep = string.find(entry, '|', 1, true)
    local phase = math.floor(tonumber(string.sub(entry, 1, sep - 1)) * interval)
    local nextAt = math.floor((now - phase) / interval) * interval + phase + interval
    redis.call('ZADD', KEYS[1], 'XX', nextAt, id)
    out[#out + 1] = id
    out[#out + 1] = string.sub(entry, sep + 1)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
