import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/domain/classifier/index.js';

const lines = (...l: string[]): string => l.join('\n');

describe('classify: the cause is that of the final death', () => {
  it('a 429 that was retried does not explain a later segfault', () => {
    const tail = lines(
      '2026-11-20T10:01:02Z WARN 429 rate_limit_error, retrying in 12s (attempt 1/5)',
      '2026-11-20T10:01:14Z INFO turn 14 complete',
      '2026-11-20T10:01:21Z INFO turn 15 complete',
      'Segmentation fault (core dumped)',
    );
    expect(classify({ tail }).crashType).toBe('segfault');
  });

  it('a provider 429, then success, then a Python traceback is the traceback', () => {
    const tail = lines(
      '2026-11-20 10:00:01,120 INFO httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 429 Too Many Requests"',
      '2026-11-20 10:00:01,121 INFO anthropic._base_client: Retrying request to /v1/messages in 0.84 seconds',
      '2026-11-20 10:00:02,210 INFO httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"',
      '2026-11-20 10:00:02,214 INFO agent: turn 7 complete',
      'Traceback (most recent call last):',
      '  File "/app/report.py", line 19, in summarize',
      '    return result.stdout.splitlines()[-1]',
      "AttributeError: 'NoneType' object has no attribute 'stdout'",
    );
    const result = classify({ tail });
    expect(result.crashType).toBe('unhandled_exception');
    expect(result.summary).toBe("Unhandled Python exception: AttributeError: 'NoneType' object has no attribute 'stdout'");
  });

  it('the last 429 wins when the retries ran out', () => {
    const tail = lines(
      'WARN request failed with status 429, retrying in 100ms (attempt 1/3)',
      'WARN request failed with status 429, retrying in 200ms (attempt 2/3)',
      'Error: provider error 429: {"type":"error","error":{"type":"rate_limit_error"}}',
    );
    expect(classify({ tail }).crashType).toBe('rate_limited');
  });

  it('an earlier error that was retried loses to a later one of another kind', () => {
    const tail = lines(
      '2026-11-20T10:00:01Z WARN read ECONNRESET, retrying (attempt 1/3)',
      '2026-11-20T10:00:03Z INFO turn 91 complete',
      '2026-11-20T10:00:09Z INFO turn 92 complete',
      'Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 200712 tokens > 200000 maximum"}}',
    );
    expect(classify({ tail }).crashType).toBe('context_overflow');
  });

  it('an out-of-memory that ends in "Aborted (core dumped)" is an OOM', () => {
    const tail = lines(
      'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory',
      ' 1: 0xb09c10 node::Abort() [node]',
      ' 2: 0xa1c193 node::FatalError(char const*, char const*) [node]',
      'Aborted (core dumped)',
    );
    const result = classify({ tail, exitCode: 134 });
    expect(result.crashType).toBe('oom');
    expect(result.summary).toBe('Node.js ran out of heap memory (JavaScript heap out of memory)');
  });

  it('std::bad_alloc after "terminate called" is an OOM', () => {
    const tail = "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\nAborted (core dumped)";
    expect(classify({ tail, signal: 'SIGABRT' }).crashType).toBe('oom');
  });

  it('a RateLimitError traceback is a rate limit, not an unhandled exception', () => {
    const tail = lines(
      'Traceback (most recent call last):',
      '  File "/app/run.py", line 33, in <module>',
      '    completion = client.chat.completions.create(model="gpt-4o", messages=messages)',
      "openai.RateLimitError: Error code: 429 - {'error': {'code': 'rate_limit_exceeded'}}",
    );
    expect(classify({ tail }).crashType).toBe('rate_limited');
  });

  it("Bun's panic: Segmentation fault is a segfault, Go's nil-pointer panic is a panic", () => {
    expect(classify({ tail: 'panic: Segmentation fault at address 0x8\noh no: Bun has crashed.' }).crashType).toBe('segfault');
    const go = 'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2f3e]';
    expect(classify({ tail: go }).crashType).toBe('panic');
  });

  it('noise after the real cause (npm, make, yarn, Node.js version) does not override it', () => {
    const tail = lines(
      "TypeError: plan.steps[plan.cursor].run is not a function",
      '    at Planner.advance (/app/dist/planner.js:77:46)',
      '',
      'Node.js v20.18.0',
      'error Command failed with exit code 1.',
      'info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.',
      'npm ERR! code ELIFECYCLE',
      'npm ERR! errno 1',
      'make: *** [Makefile:4: run] Error 1',
    );
    const result = classify({ tail, exitCode: 1 });
    expect(result.crashType).toBe('unhandled_exception');
    expect(result.evidence).toEqual(['TypeError: plan.steps[plan.cursor].run is not a function']);
  });

  it('source code echoed by a traceback is not evidence', () => {
    const tail = lines(
      'Traceback (most recent call last):',
      '  File "/app/client.py", line 12, in call',
      '    if response.status_code == 429: raise RateLimited("Too Many Requests")',
      "KeyError: 'choices'",
    );
    expect(classify({ tail }).crashType).toBe('unhandled_exception');
  });

  it('a retry notice on the last line still explains the death when nothing came after', () => {
    const tail = 'WARN anthropic: 529 overloaded_error, retrying in 30s (attempt 3/10)';
    expect(classify({ tail }).crashType).toBe('provider_overloaded');
  });
});

describe('classify: what comes after a death is not progress', () => {
  const progress = (n: number): string[] => Array.from({ length: n }, (_, i) => `[shard ${i}] embedded 256 docs in 3.0s`);

  it('stdout flushed after a traceback that reached <module> does not hide it', () => {
    const tail = lines(
      'Traceback (most recent call last):',
      '  File "/jobs/embed.py", line 97, in <module>',
      '    main()',
      "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached'}}",
      ...progress(8),
    );
    expect(classify({ tail, exitCode: 1 }).crashType).toBe('rate_limited');
  });

  it('a traceback logged inside a function is not the end: later progress still counts', () => {
    const tail = lines(
      'Traceback (most recent call last):',
      '  File "/jobs/embed.py", line 51, in embed_shard',
      '    resp = client.embeddings.create(input=texts)',
      "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached'}}",
      ...progress(8),
    );
    expect(classify({ tail, exitCode: 1 }).crashType).toBe('unknown');
  });

  it('a log replayed by `docker logs` is the past, not progress after the exit status', () => {
    const tail = lines(
      '+ docker ps -a --filter name=runner',
      'abc123   k6:0.54   "k6 run"   30 minutes ago   Exited (137) 11 minutes ago   runner',
      '+ docker logs --tail 5 runner',
      ...progress(5),
    );
    expect(classify({ tail }).crashType).toBe('killed');
  });

  it("a CI runner's post-job cleanup does not hide the job's deadline", () => {
    const tail = lines(
      '##[error]The job running on runner GitHub Actions 14 has exceeded the maximum execution time of 30 minutes.',
      'Post job cleanup.',
      '[command]/usr/bin/git version',
      'git version 2.48.1',
      '[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader',
    );
    expect(classify({ tail }).crashType).toBe('timeout');
  });
});

describe('classify: causes mentioned as data are not causes', () => {
  it('words quoted inside progress lines (ticket titles) do not count', () => {
    const tail = lines(
      '[triage] INC-20932 "partner API answering 429 Too Many Requests since 13:40" -> team=integrations',
      '[triage] INC-20933 "build-agent-07: No space left on device" -> team=devex',
      '[triage] batch 6/12 done: 8 tickets labelled',
    );
    expect(classify({ tail, exitCode: 1 }).crashType).toBe('unknown');
  });

  it("a key's quoted value and a quoted HTTP status line are the process's own evidence", () => {
    expect(classify({ tail: 'level=ERROR msg="sync failed" err="dial tcp 10.0.0.7:443: connect: connection refused"' }).crashType).toBe(
      'network_error',
    );
    expect(classify({ tail: 'INFO:httpx:HTTP Request: POST https://api.openai.com/v1/embeddings "HTTP/1.1 429 Too Many Requests"' }).crashType).toBe(
      'rate_limited',
    );
  });
});

describe('classify: exit status and signal count as evidence', () => {
  const progress = lines('[indexer] processed batch 1/10', '[indexer] processed batch 2/10');

  it.each([
    [{ exitCode: 139 }, 'segfault'],
    [{ signal: 'SIGSEGV' }, 'segfault'],
    [{ exitCode: 143 }, 'killed'],
    [{ signal: 'SIGTERM' }, 'killed'],
    [{ exitCode: 137 }, 'killed'],
    [{ signal: 'KILL' }, 'killed'],
    [{ signal: '9' }, 'killed'],
    [{ exitCode: -9 }, 'killed'],
    [{ exitCode: 134 }, 'panic'],
    [{ signal: 'SIGABRT' }, 'panic'],
    [{ exitCode: 124 }, 'timeout'],
    [{ exitCode: 130 }, 'killed'],
    [{ exitCode: 1 }, 'unknown'],
    [{ exitCode: 0 }, 'unknown'],
  ] as const)('%o → %s', (status, expected) => {
    expect(classify({ tail: progress, ...status }).crashType).toBe(expected);
  });

  it('137 with memory evidence is an OOM kill, without it a kill', () => {
    const pressure = lines(
      '2026-11-20 14:03:02,012 WARNING monitor: memory usage 96.8% (15.49 GiB / 16.00 GiB)',
      '2026-11-20 14:03:12,554 INFO trainer: epoch 3 step 1300/5000',
      'Killed',
    );
    expect(classify({ tail: pressure, exitCode: 137 }).crashType).toBe('oom');
    expect(classify({ tail: pressure.replace(/^.*memory usage.*$/m, ''), exitCode: 137 }).crashType).toBe('killed');
  });

  it('134 gives way to more specific evidence', () => {
    const jvm = '#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n#  SIGSEGV (0xb) at pc=0x00007f, pid=1, tid=31\n#';
    expect(classify({ tail: jvm, exitCode: 134 }).crashType).toBe('segfault');
    expect(classify({ tail: 'Unhandled exception. System.Exception: boom', signal: 'SIGABRT' }).crashType).toBe('unhandled_exception');
  });

  it('a process killed from outside did not die of an exception it logged earlier', () => {
    const tail = lines(
      '2026-11-20 10:00:01,001 ERROR agent: tool call failed',
      'Traceback (most recent call last):',
      '  File "/app/tools.py", line 41, in call',
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
    );
    expect(classify({ tail, exitCode: 143 }).crashType).toBe('killed');
    expect(classify({ tail, exitCode: 1 }).crashType).toBe('unhandled_exception');
  });

  it('a kill explained by a deadline is a timeout', () => {
    expect(classify({ tail: 'timeout: sending signal TERM to command ‘agent’', exitCode: 143 }).crashType).toBe('timeout');
  });
});
