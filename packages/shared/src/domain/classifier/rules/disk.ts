import type { Rule } from '../types.js';
import { excerpt } from '../gist.js';

export const diskRules: Rule[] = [
  {
    // The kubelet's DiskPressure eviction is the disk's, like ENOSPC (a condition table's `False` is not).
    id: 'disk-full',
    crashType: 'disk_full',
    weight: 0.98,
    pattern:
      /\bENOSPC\b|No space left on device|\[Errno 28\]|Disk quota exceeded|\bEDQUOT\b|\[Errno 122\]|not enough space on the disk|database or disk is full|\bSQLITE_FULL\b|insufficient (?:disk|storage) space|\bdisk (?:is )?full\b|out of disk space|insufficient space on your system|no space left|(?:don't|do not) have enough free space|\bDiskPressure\b(?!\s+False)|The node was low on resource: ephemeral-storage|\bevict\w*\b.{0,80}resourceName="?(?:ephemeral-storage|nodefs|imagefs)|not enough (?:free )?(?:disk )?space/i,
    summary: (m) => `The disk is full: ${excerpt(m, 120)}`,
  },
];
