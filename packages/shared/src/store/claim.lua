--[[
  Claims the oldest claimable task of the asked kinds in one step: picks the lowest-scored member
  (score = when it became claimable, past any heal hint's notBefore) over the kinds' claimable
  ZSETs with score <= now, records the claim on the task and applies its index changes. Nothing is
  read twice and nothing is retried: the pick and the write are one atomic step, so two claimers
  can never take one task, whatever the number of tasks or of claimers.

  The task JSON is not re-encoded here (cjson would turn [] into {} and round numbers to 14
  digits in the producer's payload): the claim is stored beside it, in the hash's `claim` field,
  as the inputs of decideClaim, and the store folds it into the task on every read until the next
  compare-and-set write replaces the JSON and drops the field (cas-write.lua).

  Key names are built here from the templates TS passes (all in the one hash tag, so one Cluster
  slot); `@@name@@` tokens in templates are replaced in a single pass by the picked task's facts:
  id, jsonid (the id as inside a JSON string), kind, dedup (its dedupKey), attempt, created (its
  createdAt, the list indexes' score), deadline,
  phase (the id's probe phase; see probePhase).

  Input:
    KEYS[1] the SET of kinds that have ever had claimable work (read when ARGV[2] is [])

    ARGV[1] now (epoch ms)
    ARGV[2] JSON [kind, ...]: the asked kinds, in order ([] = every kind of KEYS[1])
    ARGV[3] JSON {claimable, task, kindStats}: key templates (token @@kind@@ / @@id@@)
    ARGV[4] the claim record's head: '{"claim":...,"now":...,"leaseHash":"..."' (this script
            closes it with ',"maxAgeMinutes":N}')
    ARGV[5] JSON {defaultMinutes, minMinutes, window, minSamples}: the learned-window settings
    ARGV[6] JSON [[opName, keyTemplate, a, b], ...]: the index changes of an ASSIGNED →
            IN_PROGRESS claim, as indexOpsFor derives them (zadd score member, zrem member,
            sadd member, hset field value, hdel field, incr, xadd id maxLen); a zadd's fifth
            element 'LT' only lowers a score; a score `@@deadline@@+K` (or -K) is K ms from the
            picked task's deadline; an op whose key names @@dedup@@ applies only to a task with
            a dedupKey

  Output:
    {0}                        nothing claimable now
    {1, taskJson, claimRecord} claimed: the task as it was, and the claim folded into it
]]
local now = tonumber(ARGV[1])
local kinds = cjson.decode(ARGV[2])
local templates = cjson.decode(ARGV[3])
local settings = cjson.decode(ARGV[5])
local ops = cjson.decode(ARGV[6])

if #kinds == 0 then kinds = redis.call('SMEMBERS', KEYS[1]) end

local function fill(template, facts)
  return (string.gsub(template, '@@(%a+)@@', facts))
end

-- Exact for every double JS writes (shortest round trip is at most 17 digits).
local function num(x)
  return string.format('%.17g', x)
end

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

-- A string's body as JSON.stringify writes it (UTF-8 passes through; control characters escaped).
local function jsonString(s)
  return (string.gsub(s, '[%z\1-\31"\\]', function(c) return escapes[c] or string.format('\\u%04x', string.byte(c)) end))
end

-- probePhase: 32-bit FNV-1a over the host, or the id, as a fraction toFixed(6). Over bytes, which
-- are JS's UTF-16 code units for ASCII (ids are UUIDs); a non-ASCII id would get another phase.
local function phaseOf(key)
  local h = 2166136261
  for i = 1, #key do
    h = bit.bxor(h, string.byte(key, i))
    if h < 0 then h = h + 4294967296 end
    -- h * 16777619 mod 2^32, as (h * 403 + h * 2^24) without leaving a double's exact range.
    h = (h * 403 + (h % 256) * 16777216) % 4294967296
  end
  -- toFixed(6) rounds half up: n = round(h * 10^6 / 2^32) in exact integer steps.
  local n = math.floor((h * 15625 + 33554432) / 67108864)
  return string.format('%d.%06d', math.floor(n / 1000000), n % 1000000)
end

-- kindStats.maxAgeFor: the task's own window, a heal hint's longer one, or the kind's learned
-- window (p90 × 1.5 of the newest durations, clamped), else the default; × 1.5 for a continuation.
local function windowOf(task)
  local hint = type(task.healHint) == 'table' and task.healHint or {}
  local hinted = type(hint.maxAgeMinutes) == 'number' and hint.maxAgeMinutes or nil
  if type(task.maxAgeMinutes) == 'number' then return math.max(task.maxAgeMinutes, hinted or 0) end
  if hinted then return hinted end
  local base = settings.defaultMinutes
  local raw = redis.call('LRANGE', fill(templates.kindStats, { kind = task.kind }), 0, settings.window - 1)
  if #raw >= settings.minSamples then
    local ms = {}
    for i, entry in ipairs(raw) do ms[i] = cjson.decode(entry).ms end
    table.sort(ms)
    local p90 = ms[math.max(1, math.ceil(0.9 * #ms))]
    base = math.min(3 * settings.defaultMinutes, math.max(settings.minMinutes, p90 * 1.5 / 60000))
  end
  if type(task.parentId) == 'string' then return base * 1.5 end
  return base
end

for _ = 1, 100 do
  local bestId, bestScore, bestKind, bestKey
  for _, kind in ipairs(kinds) do
    local key = fill(templates.claimable, { kind = kind })
    local top = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, 1)
    if top[1] and (not bestScore or tonumber(top[2]) < bestScore) then
      bestId, bestScore, bestKind, bestKey = top[1], tonumber(top[2]), kind, key
    end
  end
  if not bestId then return {0} end
  local taskKey = fill(templates.task, { id = bestId })
  local stored = redis.call('HMGET', taskKey, 'json', 'rev', 'claim')
  local task = stored[1] and cjson.decode(stored[1])
  if not task or task.status ~= 'ASSIGNED' or stored[3] or task.kind ~= bestKind then
    -- An entry the CAS no longer backs (its task gone or moved on): it names nothing claimable.
    redis.call('ZREM', bestKey, bestId)
  else
    local maxAge = windowOf(task)
    local facts = {
      id = bestId,
      jsonid = jsonString(bestId),
      kind = task.kind,
      dedup = type(task.dedupKey) == 'string' and task.dedupKey or nil,
      attempt = num(task.attempt),
      created = num(task.createdAt),
      deadline = num(now + maxAge * 60000),
      -- Only a claim that names no host leaves @@phase@@ in its templates: then the id's.
      phase = phaseOf(bestId),
    }
    local record = ARGV[4] .. ',"maxAgeMinutes":' .. num(maxAge) .. '}'
    redis.call('HSET', taskKey, 'claim', record, 'rev', tostring((tonumber(stored[2]) or 0) + 1))
    for _, op in ipairs(ops) do
      local name = op[1]
      if facts.dedup or not string.find(op[2], '@@dedup@@', 1, true) then
        local key = fill(op[2], facts)
        if name == 'zadd' then
          local score = fill(op[3], facts)
          local base, sign, offset = string.match(score, '^(.-)([%+%-])(%d+)$')
          if base and base ~= '' then
            score = num(tonumber(base) + (sign == '+' and 1 or -1) * tonumber(offset))
          end
          if op[5] == 'LT' then
            redis.call('ZADD', key, 'LT', score, fill(op[4], facts))
          else
            redis.call('ZADD', key, score, fill(op[4], facts))
          end
        elseif name == 'zrem' then
          redis.call('ZREM', key, fill(op[3], facts))
        elseif name == 'sadd' then
          redis.call('SADD', key, fill(op[3], facts))
        elseif name == 'hset' then
          redis.call('HSET', key, fill(op[3], facts), fill(op[4], facts))
        elseif name == 'hdel' then
          redis.call('HDEL', key, fill(op[3], facts))
        elseif name == 'incr' then
          redis.call('INCR', key)
        elseif name == 'xadd' then
          redis.call('XADD', key, 'MAXLEN', '~', op[4], '*', 'id', fill(op[3], facts))
        end
      end
    end
    return {1, stored[1], record}
  end
end
return {0}
