--[[
  Takes the probes that have come due and moves each to its next slot, in one step: two
  scheduler replicas (or two ticks of one) never enqueue the same task for the same round.
  A task's slots sit at its phase within each interval (`<phase>|<host key>|<json>` in the target
  hash), so a host's runners stay in one round however far apart they were claimed; safety-net
  slots are spread by task id instead. A host-local
  runner (a host key in its entry) whose host's watcher sent a summary since ARGV[5] is watched
  on its host: its next slot is a safety-net round (ARGV[4]) rather than the next probe interval,
  or the moment just past its deadline when that comes first; once past its deadline it is
  probed every interval again.
  A due task with no target entry (no longer probed) leaves the schedule.

  Input:
    KEYS[1] probe schedule ZSET (task id by next due time)
    KEYS[2] probe-target HASH (task id -> "<phase>|<host key>|<target json>")
    KEYS[3] host-watch ZSET (host key -> time of its watcher's last summary)
    KEYS[4] deadline ZSET (task id by deadline)

    ARGV[1] now (ms)
    ARGV[2] probe interval (ms)
    ARGV[3] max tasks to take
    ARGV[4] safety-net interval (ms)
    ARGV[5] the oldest summary time that still counts as watched (ms)

  Output:
    a flat list {id1, targetJson1, id2, targetJson2, ...}
]]
local now = tonumber(ARGV[1])
local probeInterval = tonumber(ARGV[2])
local safetyInterval = tonumber(ARGV[4])
local freshSince = tonumber(ARGV[5])
local watched = {}

-- A safety-net round is spread by task id over its interval, not held in its host's phase: the
-- host's watcher already sees the host's deaths together, and a host's runners all due in one
-- tick every 30 s would make that tick the slowest of all.
local function spread(id)
  local h = 0
  for i = 1, #id do h = (h * 31 + string.byte(id, i)) % 1000003 end
  return h / 1000003
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(due) do
  local entry = redis.call('HGET', KEYS[2], id)
  if entry then
    local sep1 = string.find(entry, '|', 1, true)
    local sep2 = string.find(entry, '|', sep1 + 1, true)
    local host = string.sub(entry, sep1 + 1, sep2 - 1)
    local interval = probeInterval
    local deadline = nil
    if host ~= '' then
      if watched[host] == nil then
        local at = redis.call('ZSCORE', KEYS[3], host)
        watched[host] = at ~= false and at ~= nil and tonumber(at) >= freshSince
      end
      if watched[host] then
        deadline = redis.call('ZSCORE', KEYS[4], id)
        deadline = deadline and tonumber(deadline)
        -- Past its deadline, a runner is judged every interval again (extend, escalate, stop).
        if not deadline or deadline >= now then interval = safetyInterval end
      end
    end
    local fraction = tonumber(string.sub(entry, 1, sep1 - 1))
    if interval ~= probeInterval then fraction = spread(id) end
    local phase = math.floor(fraction * interval)
    local nextAt = math.floor((now - phase) / interval) * interval + phase + interval
    -- A safety-net slot never skips the deadline: the round just past it decides extend or escalate.
    if interval ~= probeInterval and deadline and deadline + 1 < nextAt then nextAt = deadline + 1 end
    redis.call('ZADD', KEYS[1], 'XX', nextAt, id)
    out[#out + 1] = id
    out[#out + 1] = string.sub(entry, sep2 + 1)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
