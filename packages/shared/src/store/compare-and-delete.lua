--[[
  Deletes a key only while it still holds the value that was read: a guard released by one
  writer is never one another writer has taken since.

  Input:
    KEYS[1] the key

    ARGV[1] the value it must still hold

  Output:
    1 deleted, 0 it held something else (or nothing)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
