import type { Rule } from '../types.js';
import { gist } from '../gist.js';

const nodeHeap = 'Node.js ran out of heap memory (JavaScript heap out of memory)';

export const memoryRules: Rule[] = [
  {
    id: 'node-heap',
    crashType: 'oom',
    weight: 0.98,
    pattern:
      /JavaScript heap out of memory|Reached heap limit|Ineffective mark-compacts near heap limit|Fatal JavaScript out of memory|Fatal process out of memory|FATAL ERROR: .*Allocation failed/,
    summary: nodeHeap,
  },
  { id: 'node-last-gcs', crashType: 'oom', weight: 0.7, pattern: /<--- Last few GCs --->/, summary: nodeHeap },
  {
    id: 'js-allocation',
    crashType: 'oom',
    weight: 0.9,
    pattern: /Array buffer allocation failed|RangeError: Out of memory|WebAssembly\.Memory\(\): could not allocate/,
    summary: (m) => `The JavaScript runtime could not allocate memory (${m[0]})`,
  },
  {
    id: 'python-memoryerror',
    crashType: 'oom',
    weight: 0.95,
    pattern: /^(?:[\w.]+\.)?_?(?:Array)?MemoryError\b(?::\s*(.*))?/,
    summary: (m) => `Python ran out of memory (MemoryError${m[1] ? `: ${gist(m[1], 80)}` : ''})`,
  },
  {
    id: 'numpy-allocate',
    crashType: 'oom',
    weight: 0.93,
    pattern: /Unable to allocate [\d.]+ [KMGTP]i?B for an array/,
    summary: (m) => `Python ran out of memory (${m[0]})`,
  },
  {
    id: 'jvm-oom',
    crashType: 'oom',
    weight: 0.97,
    pattern: /\bOutOfMemoryError\b(?::\s*([^\r\n]*))?/,
    // ECS reports `OutOfMemoryError: Container killed due to memory usage`: a container, not a JVM.
    summary: (m, line, context) =>
      context.runtime === 'Java' || /java\.lang\.|Java heap|Metaspace|GC overhead|native thread|Direct buffer/.test(line)
        ? `The JVM ran out of memory (java.lang.OutOfMemoryError${m[1] ? `: ${gist(m[1], 80)}` : ''})`
        : `Out of memory (${gist(m[0], 90)})`,
  },
  {
    id: 'dotnet-oom',
    crashType: 'oom',
    weight: 0.96,
    pattern: /\bOutOfMemoryException\b/,
    summary: '.NET ran out of memory (System.OutOfMemoryException)',
  },
  {
    id: 'jvm-native-memory',
    crashType: 'oom',
    weight: 0.95,
    pattern: /There is insufficient memory for the Java Runtime Environment|Native memory allocation \(m(?:map|alloc)\) failed/,
    summary: 'The JVM could not get native memory (insufficient memory for the Java Runtime Environment)',
  },
  {
    id: 'go-oom',
    crashType: 'oom',
    weight: 0.98,
    pattern: /fatal error: (?:runtime: )?out of memory|runtime: out of memory: cannot allocate|runtime: cannot allocate memory/,
    summary: 'The Go runtime ran out of memory (fatal error: runtime: out of memory)',
  },
  {
    // An allocation of a stated size that failed: Rust's `memory allocation of N bytes failed`, the
    // BEAM's `eheap_alloc: Cannot allocate N bytes of memory (of type "heap")`.
    id: 'alloc-failed',
    crashType: 'oom',
    weight: 0.97,
    pattern: /memory allocation of \d+ bytes failed|[Cc]annot allocate \d+ bytes of memory/,
    summary: (m) => `The process could not allocate memory (${m[0]})`,
  },
  {
    id: 'cpp-bad-alloc',
    crashType: 'oom',
    weight: 0.95,
    pattern: /std::bad_alloc/,
    summary: 'C++ memory allocation failed (std::bad_alloc)',
  },
  {
    id: 'kernel-oom-kill',
    crashType: 'oom',
    weight: 0.98,
    // `Kill process … or sacrifice child` is the same message from kernels before 4.x.
    pattern: /(?:Memory cgroup )?[Oo]ut of memory: Kill(?:ed)? process (\d+) \(([^)]+)\)/,
    summary: (m) => `The kernel OOM killer killed ${m[2]} (pid ${m[1]})`,
    sigkill: true,
  },
  {
    id: 'kernel-oom-killer',
    crashType: 'oom',
    weight: 0.93,
    pattern: /invoked oom-killer|\boom-kill:|oom_reaper: reaped process|Killed process \d+ \(.+?\) total-vm|\bOOM killer\b|\boom-killer\b/,
    summary: 'The kernel OOM killer killed the process',
    sigkill: true,
  },
  {
    id: 'systemd-oom',
    crashType: 'oom',
    weight: 0.97,
    pattern: /killed by the OOM killer|Failed with result 'oom-kill'/,
    summary: 'systemd reports the unit was killed by the OOM killer',
  },
  {
    id: 'k8s-oomkilled',
    crashType: 'oom',
    weight: 0.97,
    // Docker's state has "OOMKilled": false on every container: only a true one counts, and a
    // template asking for it (`{{.State.OOMKilled}}`) says nothing.
    pattern: /(?<!\.)\bOOMKill(?:ed|ing)\b(?!["']?\s*[:=]\s*["']?false|\}\})/,
    summary: 'The container was OOMKilled: it went over its memory limit',
  },
  {
    // A supervisor enforcing a memory limit in its own words: YARN's `exceeding physical memory
    // limits`, Dask's nanny restarting a worker that `exceeded 95% memory budget` (its terminate
    // threshold, not a warning's).
    id: 'memory-limit',
    crashType: 'oom',
    weight: 0.9,
    pattern:
      /The node was low on resource: memory|exceed(?:ed|ing|s)? (?:its |the )?(?:physical |virtual |container )?memory limits?|memory limit (?:exceeded|reached)|Memory quota (?:vastly )?exceeded|memory cgroup out of memory|exceeded \d+% memory budget/i,
    summary: (m) => `The process went over its memory limit (${gist(m[0], 80)})`,
  },
  {
    // The kubelet evicting pods because the node runs out of memory: `The node had condition:
    // [MemoryPressure]`, its eviction manager reclaiming `resourceName="memory"`. An eviction is a
    // stop from outside (orchestrator-stop, 0.8) that memory explains, so this outweighs it. A
    // node's condition table (`MemoryPressure   False`) is no pressure.
    id: 'eviction-memory',
    crashType: 'oom',
    weight: 0.92,
    pattern:
      /\bMemoryPressure\b(?!\s+False)|\bmemory-pressure\b|\bevict\w*\b.{0,80}(?:\bmemory pressure\b|resourceName="?memory\b)|\bmemory pressure\b.{0,40}\bevict/i,
    summary: (m) => `Evicted for the node's memory (${gist(m[0], 80)})`,
  },
  {
    id: 'gpu-oom',
    crashType: 'oom',
    weight: 0.98,
    pattern:
      /CUDA out of memory|CUDA error: out of memory|torch\.(?:cuda\.)?OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation|HIP out of memory|MPS backend out of memory/,
    summary: 'The GPU ran out of memory (CUDA out of memory)',
  },
  {
    id: 'tensor-oom',
    crashType: 'oom',
    weight: 0.97,
    pattern: /OOM when allocating tensor|ran out of memory trying to allocate/,
    summary: 'The accelerator ran out of memory (OOM when allocating tensor)',
  },
  {
    id: 'php-memory',
    crashType: 'oom',
    weight: 0.98,
    pattern: /Allowed memory size of \d+ bytes exhausted/,
    summary: (m) => `PHP exhausted its memory limit (${m[0]})`,
  },
  {
    id: 'ruby-nomemory',
    crashType: 'oom',
    weight: 0.95,
    pattern: /\bNoMemoryError\b|failed to allocate memory/,
    summary: 'Ruby ran out of memory (NoMemoryError)',
  },
  {
    id: 'enomem',
    crashType: 'oom',
    weight: 0.85,
    // Memory exhausted in R's words (`vector memory exhausted`, `cannot allocate vector of size
    // 2.3 Gb`) and `unable to allocate memory`. gunicorn's `was sent SIGKILL! Perhaps out of memory?` is its guess about any SIGKILL (it says so
    // after its own WORKER TIMEOUT kill too): a question is no memory evidence.
    pattern: /Cannot allocate memory|\bENOMEM\b|\bvector memory exhausted\b|cannot allocate vector of size|\bunable to allocate (?:\d+ bytes of )?memory\b|\bout of memory\b(?!\?)|\bOOM\b/i,
    summary: (m) => `The process ran out of memory (${m[0]})`,
  },
  // Too weak to decide alone; with a SIGKILL it turns "killed" into an OOM kill.
  {
    id: 'memory-pressure',
    crashType: 'oom',
    weight: 0.25,
    pattern:
      /memory (?:usage|use|utili[sz]ation)\D{0,20}(?:[89]\d|100)(?:\.\d+)?\s?%|\b(?:[89]\d|100)(?:\.\d+)?\s?% (?:of (?:its |the )?)?(?:memory|RAM|heap)\b|memory pressure|low on memory|running low on memory|(?:high|unmanaged) memory (?:usage|use)|approaching (?:the )?memory limit|\b(?:rss|mem(?:ory)?|RAM)\b[^%\n]{0,60}\bavailable:? (?:0(?:\.\d+)? ?Gi?B|\d{1,3}(?:\.\d+)? ?Mi?B)\b/i,
    summary: (m) => `Memory pressure before the death (${gist(m[0], 60)})`,
  },
];
