--[[
  Removes a claimed task's pointer job from the assigned queue's wait list in O(its place from
  the oldest end). BullMQ's own removal (removeJob-2.lua, 6.7) LREMs the wait list from its newest
  end, so removing the oldest job, the one a claim takes, scans every waiting job. A pointer job
  has no parent, no children, no deduplication id and no lock while it waits: its removal is the
  list entry, its hash and its logs, and BullMQ's 'removed' event, as removeJobWithChildren does.
  Anything else (delayed, active, paused, gone from the list) is left to BullMQ's removal.

  Input:
    KEYS[1] the queue's wait list
    KEYS[2] the queue's delayed ZSET
    KEYS[3] the pointer job's hash
    KEYS[4] the queue's events stream
    KEYS[5] the queue's meta hash

    ARGV[1] the job id

  Output:
    1 removed (or the job does not exist), 0 not waiting: use BullMQ's removal
]]
if redis.call('EXISTS', KEYS[3]) == 0 then return 1 end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) or redis.call('EXISTS', KEYS[3] .. ':lock') == 1 then return 0 end
if redis.call('LREM', KEYS[1], -1, ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[3], KEYS[3] .. ':logs')
local maxEvents = redis.call('HGET', KEYS[5], 'opts.maxLenEvents') or 10000
redis.call('XADD', KEYS[4], 'MAXLEN', '~', maxEvents, '*', 'event', 'removed', 'jobId', ARGV[1], 'prev', 'wait')
return 1
