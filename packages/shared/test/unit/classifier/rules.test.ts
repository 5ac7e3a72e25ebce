import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/domain/classifier/index.js';
import type { CrashType } from '../../../src/schemas/diagnosis.js';

/** One case per real-world shape: the tail (a few lines) and what it must be classified as. */
const CASES: Record<Exclude<CrashType, 'unknown'>, string[]> = {
  oom: [
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    'FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed - JavaScript heap out of memory',
    'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nMemoryError',
    'numpy.core._exceptions._ArrayMemoryError: Unable to allocate 74.5 GiB for an array with shape (100000, 100000)',
    'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
    'java.lang.OutOfMemoryError: GC overhead limit exceeded',
    'Unhandled exception. System.OutOfMemoryException: Insufficient memory to continue the execution of the program.',
    'fatal error: runtime: out of memory\n\nruntime stack:',
    'memory allocation of 268435456 bytes failed',
    "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\nAborted (core dumped)",
    '[123.4] Out of memory: Killed process 4242 (python3) total-vm:16493824kB, anon-rss:15604936kB',
    '[123.4] Memory cgroup out of memory: Killed process 3141 (node) total-vm:9876544kB',
    '[123.4] python3 invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0',
    '    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137',
    '{"Status":"exited","OOMKilled":true,"ExitCode":137}',
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.',
    'RuntimeError: CUDA error: out of memory',
    'tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[65536,12288]',
    'PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)',
    'agent.service: A process of this unit has been killed by the OOM killer.',
    'Error R15 (Memory quota vastly exceeded)',
    'malloc: Cannot allocate memory',
    'Message: The node was low on resource: memory. Container runner was using 3871Mi',
  ],
  segfault: [
    'fatal error: unexpected signal during runtime execution\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x62bf10]\n\nruntime stack:\nruntime.throw({0x69d84e?, 0x200000001?})',
    'unexpected fault address 0xdeadbeef\nfatal error: fault\n[signal SIGSEGV: segmentation violation code=0x1 addr=0xdeadbeef pc=0x62ba9b]\n\ngoroutine 1 [running]:',
    'Fatal Python error: Bus error\n\nCurrent thread 0x00007f3c (most recent call first):\n  File "<string>", line 4 in <module>',
    'child died with signal 11, with coredump',
    '2026/12/04 01:00:00 worker failed: signal: segmentation fault',
    'worker exited: signal: 11 (SIGSEGV) (core dumped)',
    'error: process didn\'t exit successfully: `target/debug/crash segv` (signal: 11, SIGSEGV: invalid memory reference)',
    'Segmentation fault (core dumped)',
    'bash: line 1: 4242 Segmentation fault      ./worker',
    'zsh: segmentation fault  python render.py',
    'Segmentation fault: 11',
    'Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f (most recent call first):',
    'panic(main thread): Segmentation fault at address 0x18\noh no: Bun has crashed. This indicates a bug in Bun, not your code.',
    '[ 8812.1] node[31337]: segfault at 0 ip 00007f3b2c1d4e5f sp 00007ffd3a2b1c90 error 4 in libc.so.6',
    '==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000',
    '#\n#  SIGSEGV (0xb) at pc=0x00007f9a3c2b1d44, pid=1, tid=31\n#',
    'PID 4242 received SIGSEGV for address: 0x0',
    'agent.service: Main process exited, code=dumped, status=11/SEGV',
    'Bus error (core dumped)',
    'make: *** [Makefile:2: run] Segmentation fault',
  ],
  panic: [
    'Sources/InventorySync/Reconciler.swift:73: Fatal error: Unexpectedly found nil while unwrapping an Optional value\nCurrent stack trace:\nIllegal instruction (core dumped)',
    'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2f3e]\n\ngoroutine 1 [running]:',
    'panic: runtime error: index out of range [5] with length 3\n\ngoroutine 18 [running]:',
    'fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:',
    'fatal error: concurrent map writes',
    'panic: assignment to entry in nil map',
    "thread 'main' panicked at src/main.rs:2:5:\nboom\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    "thread 'tokio-runtime-worker' panicked at 'called `Option::unwrap()` on a `None` value', src/worker.rs:88:41",
    "thread 'main' has overflowed its stack\nfatal runtime error: stack overflow",
    "terminate called after throwing an instance of 'std::runtime_error'\n  what():  bad state\nAborted (core dumped)",
    'terminate called without an active exception',
    "prog: prog.c:36: main: Assertion `remaining >= 0' failed.\nAborted (core dumped)",
    'free(): double free detected in tcache 2\nAborted (core dumped)',
    'Fatal Python error: PyThreadState_Get: the function must be called with the GIL held',
    'FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal.',
    'Fatal error: Unexpectedly found nil while unwrapping an Optional value\nIllegal instruction (core dumped)',
    'Aborted (core dumped)',
  ],
  unhandled_exception: [
    'time=2026-03-14T02:11:07.936Z level=ERROR msg="sync failed" err="decode manifest: json: cannot unmarshal number"',
    'Traceback (most recent call last):\n  File "a.py", line 3, in <module>\n    main()\nValueError: invalid literal for int() with base 10: \'x\'',
    "/app/index.js:10\n    throw err;\n    ^\n\nError: tool call returned no result\n    at run (/app/index.js:10:11)\n\nNode.js v20.18.0",
    "TypeError: Cannot read properties of undefined (reading 'map')\n    at plan (/app/plan.js:3:9)",
    'node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\n[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "nope".] {\n  code: \'ERR_UNHANDLED_REJECTION\'\n}',
    'Exception in thread "main" java.lang.IllegalStateException: bad config\n\tat A.main(A.java:3)\nCaused by: java.lang.NumberFormatException: For input string: "x"',
    'Unhandled exception. System.InvalidOperationException: Sequence contains no elements',
    "/app/agent.rb:42:in `fetch': key not found: :model (KeyError)",
    'PHP Fatal error:  Uncaught TypeError: array_map(): Argument #2 ($array) must be of type array',
    "error: Uncaught (in promise) TypeError: Cannot read properties of undefined (reading 'content')",
    '** (ArgumentError) errors were found at the given arguments:',
    "Error: EACCES: permission denied, open '/root/.config/agent/state.json'",
    "PermissionError: [Errno 13] Permission denied: '/etc/agent.lock'",
    'RangeError: Maximum call stack size exceeded',
  ],
  rate_limited: [
    'ThrottlingException: Too many tokens, please wait before trying again.',
    "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}",
    "anthropic.RateLimitError: Error code: 429 - {'type': 'error', 'error': {'type': 'rate_limit_error', 'message': 'Number of request tokens has exceeded your per-minute rate limit'}}",
    '{"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit"}}',
    "openai.RateLimitError: Error code: 429 - {'error': {'type': 'insufficient_quota', 'code': 'insufficient_quota'}}",
    'HTTP/1.1 429 Too Many Requests',
    'requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: https://api.example.com/v1',
    'urllib.error.HTTPError: HTTP Error 429: Too Many Requests',
    'Error: Request failed with status code 429',
    '{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}',
    'google.api_core.exceptions.ResourceExhausted: 429 Quota exceeded for aiplatform.googleapis.com',
    'botocore.errorfactory.ThrottlingException: An error occurred (ThrottlingException) when calling the InvokeModel operation',
    'gh: API rate limit exceeded for user ID 1234567. (HTTP 403)',
    'time=2026-11-20T10:00:01Z level=error msg="upstream call failed" status=429',
  ],
  provider_overloaded: [
    "anthropic.APIStatusError: {'type': 'error', 'error': {'details': None, 'type': 'overloaded_error', 'message': 'Overloaded'}}",
    'OverloadedError: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    'HTTP/1.1 529 ',
    "openai.InternalServerError: Error code: 500 - {'error': {'message': 'The server had an error while processing your request. Sorry about that!', 'type': 'server_error'}}",
    "openai.InternalServerError: Error code: 503 - {'error': {'message': 'The server is overloaded or not ready yet.'}}",
    'curl: (22) The requested URL returned error: 502\n<html><head><title>502 Bad Gateway</title></head></html>',
    'urllib.error.HTTPError: HTTP Error 503: Service Unavailable',
    '{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}',
    'Error: 503 upstream connect error or disconnect/reset before headers. reset reason: connection termination',
  ],
  auth_error: [
    'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', 'message': 'invalid x-api-key'}}",
    "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****abcd.', 'code': 'invalid_api_key'}}",
    '{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}',
    '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}',
    '{"error":{"code":403,"message":"Permission denied on resource project x.","status":"PERMISSION_DENIED"}}',
    '{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}',
    'requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.example.com/v1',
    "fatal: Authentication failed for 'https://github.com/acme/agent.git/'",
    "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    'openai.OpenAIError: The api_key client option must be set either by passing api_key to the client or by setting the OPENAI_API_KEY environment variable',
    'botocore.exceptions.ClientError: An error occurred (ExpiredTokenException) when calling the InvokeModel operation: The security token included in the request is expired',
    "google.auth.exceptions.RefreshError: ('invalid_grant: Token has been expired or revoked.')",
  ],
  context_overflow: [
    'Model gpt-4o has hit a token limit!\nInput tokens: ~131,844 of 128,000 -- possibly exhausted context window!',
    'ValueError: The decoder prompt (length 41263) is longer than the maximum model length of 32768.',
    '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}',
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.",
    "{'error': {'code': 'context_length_exceeded'}}",
    'input length and `max_tokens` exceed context limit: 197245 + 8192 > 200000, decrease input length or `max_tokens` and try again',
    'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
    'botocore.errorfactory.ValidationException: An error occurred (ValidationException) when calling the InvokeModel operation: Input is too long for requested model.',
    'litellm.exceptions.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError',
  ],
  network_error: [
    '  ⎿  API Error (Cannot connect to API) · Retrying in 8 seconds… (attempt 5/10)\nAPI Error: Cannot connect to API',
    'Error: Cannot connect to API\n    at Object.<anonymous> (/usr/lib/node_modules/agent/cli.js:12:9)\n\nNode.js v20.20.2',
    "API Error: Can't reach the API server — check your internet or DNS (ENOTFOUND)",
    "Cannot connect to api.anthropic.com:443: IO::Socket::INET: Bad hostname 'api.anthropic.com:443'",
    '/usr/lib/ruby/3.1.0/net/http.rb:1001:in `connect\': execution expired (Net::OpenTimeout)',
    'Error: connect ECONNREFUSED 127.0.0.1:443',
    'TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13 {\n  [cause]: Error: getaddrinfo ENOTFOUND api.anthropic.com',
    'Error: getaddrinfo EAI_AGAIN api.openai.com',
    'Error: read ECONNRESET',
    'Error: socket hang up',
    'Error: connect ETIMEDOUT 104.18.6.192:443',
    'Error: certificate has expired',
    'request to https://registry.example/x failed, reason: unable to verify the first certificate',
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.openai.com', port=443): Max retries exceeded with url: /v1 (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))",
    'httpx.ConnectError: [Errno -3] Temporary failure in name resolution',
    "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='x', port=443): Max retries exceeded (Caused by ConnectTimeoutError(, 'Connection to x timed out. (connect timeout=10)'))",
    'ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)',
    'curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn\'t connect to server',
    'curl: (6) Could not resolve host: api.openai.invalid',
    'Error: Post "https://api.anthropic.com/v1/messages": dial tcp: lookup api.anthropic.com on 10.96.0.10:53: no such host',
    'Error: Get "https://artifacts.internal/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    'Exception in thread "main" java.net.ConnectException: Connection refused',
    'anthropic.APIConnectionError: Connection error.',
  ],
  disk_full: [
    "E: You don't have enough free space in /var/cache/apt/archives/.",
    "OSError: [Errno 28] No space left on device: '/tmp/x'",
    "Error: ENOSPC: no space left on device, write",
    "dd: error writing 'blob': No space left on device",
    'sqlite3.OperationalError: database or disk is full',
    'OSError: [Errno 122] Disk quota exceeded',
    'write /data/out.parquet: no space left on device',
    'System.IO.IOException: There is not enough space on the disk.',
    'npm ERR! code ENOSPC\nnpm ERR! nospc ENOSPC: no space left on device, write',
  ],
  killed: [
    '12:00:01 system | web.1 started (pid=4242)\n12:00:05 web.1  | listening on :5000\n12:03:10 system | web.1 stopped (rc=-9)',
    'agent.service: Main process exited, code=killed, status=15/TERM\nagent.service: Failed with result \'signal\'.',
    '[2026-12-04 01:00:00 +0000] [1] [INFO] Handling signal: term\n[2026-12-04 01:00:00 +0000] [7] [INFO] Worker exiting (pid: 7)',
    '2026-12-04 01:00:00.123 UTC [1] LOG:  received fast shutdown request',
    'worker: Warm shutdown (MainProcess)',
    'worker 4242 exited with signal 9',
    "[INFO  tini (1)] Main child exited with signal (with signal 'Terminated')",
    '2026/12/04 01:00:00 received signal terminated, shutting down',
    'PM2        | 2026-12-04T01:19:32: PM2 log: App [agent:0] exited with code [0] via signal [SIGKILL]\n\n/root/.pm2/logs/agent-out.log last 3 lines:\n0|agent    | 2026-12-04T01:19:31.716Z agent step done\n0|agent    | 2026-12-04T01:19:31.916Z agent step done',
    'ERROR: Job failed (system failure): aborted: terminated',
    'bash: line 1: 4242 Killed                  python3 train.py',
    'zsh: killed     python train.py',
    './sync.sh: line 22: 31337 Terminated              rsync -a /src/ /dst/',
    'Traceback (most recent call last):\n  File "a.py", line 5, in <module>\n    time.sleep(1)\nKeyboardInterrupt',
    "subprocess.CalledProcessError: Command '['python', 'worker.py']' died with <Signals.SIGTERM: 15>.",
    'step "build" failed: signal: killed',
    'agent.service: Main process exited, code=killed, status=15/TERM',
    '  Normal  Killing    1m    kubelet            Stopping container runner',
    'npm ERR! signal SIGTERM\nnpm ERR! command sh -c node dist/index.js',
  ],
  timeout: [
    'celery.exceptions.SoftTimeLimitExceeded: SoftTimeLimitExceeded()',
    'Error: 4 DEADLINE_EXCEEDED: Deadline exceeded after 30.001s',
    '/app/sync.rb:22:in `block in <main>\': execution expired (Timeout::Error)',
    'npm error code FETCH_ERROR\nnpm error network timeout at: https://registry.npmjs.org/left-pad',
    'Error: spawnSync /bin/sh ETIMEDOUT\n    at Object.spawnSync (node:internal/child_process:1123:20) {\n  errno: -110,\n  code: \'ETIMEDOUT\',\n  syscall: \'spawnSync /bin/sh\',',
    '+++++++++++++++++++++++++++++++++++ Timeout ++++++++++++++++++++++++++++++++++++',
    'AgentTimeoutError: agent run exceeded its wall-clock budget (30m00s) after 40 turns',
    'rpc error: code = DeadlineExceeded desc = context deadline exceeded',
    'google.api_core.exceptions.DeadlineExceeded: 504 Deadline Exceeded',
    'Task timed out after 900.00 seconds',
    "requests.exceptions.ReadTimeout: HTTPConnectionPool(host='x', port=80): Read timed out. (read timeout=0.5)",
    'Traceback (most recent call last):\n  File "a.py", line 3, in <module>\n    s.recv(1)\nTimeoutError: timed out',
    'asyncio.exceptions.TimeoutError',
    'DOMException [TimeoutError]: The operation was aborted due to timeout',
    'openai.APITimeoutError: Request timed out.',
    'curl: (28) Operation timed out after 1001 milliseconds with 0 bytes received',
    'java.net.http.HttpTimeoutException: request timed out',
    "subprocess.TimeoutExpired: Command '['pytest']' timed out after 600 seconds",
    'panic: test timed out after 10m0s',
    '##[error]The job running on runner GitHub Actions 12 has exceeded the maximum execution time of 360 minutes.',
    'Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called',
    'Get "https://api.example.com/v1": net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
    'timeout: sending signal TERM to command ‘sleep’',
  ],
};

describe('classify: the known shapes of each crash type', () => {
  for (const [crashType, tails] of Object.entries(CASES)) {
    it.each(tails)(`${crashType}: %s`, (tail) => {
      expect(classify({ tail }).crashType).toBe(crashType);
    });
  }
});

describe('classify: ordinary text is not a crash', () => {
  it.each([
    ['a count that contains 429', 'processed 429 records in 5029 ms'],
    ['a signal handler being installed', 'handler for signal 15 installed\nserver ready on :8080'],
    ['numbers that look like statuses', 'order #1429 shipped; 503 items remaining in queue'],
    ['Killed inside a word', 'SkilledWorker pool started with 4 threads'],
    ['error counts', 'Compiled with 0 errors and 3 warnings in 4.2s'],
    ['token counts', 'usage: prompt_tokens: 1234, completion_tokens: 56, max_tokens=4096'],
    ['prose about memory', 'reviewing memory usage of the cache module'],
    ['a deprecation warning', '(node:4242) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.'],
    ['C++ overload resolution', "main.cpp:5:6: note: call of overloaded 'f(int)' is ambiguous"],
    ['Docker state with no OOM kill', '{"Status":"exited","OOMKilled":false,"ExitCode":0}'],
    ['only a wrapper saying the job failed', 'Error: Process completed with exit code 1.\nmake: *** [all] Error 1\nerror Command failed with exit code 1.'],
    ['a retried 429 followed by progress', [
      'WARN Retrying after 429 Too Many Requests (attempt 1/5)... ok',
      'INFO turn 12 complete',
      'INFO turn 13 complete',
      'INFO wrote src/app.ts (212 lines)',
      'INFO turn 14 complete',
      'INFO 48 tests passed',
    ].join('\n')],
  ])('%s', (_name, tail) => {
    expect(classify({ tail }).crashType).toBe('unknown');
  });
});

describe('classify: older and tool-specific formats', () => {
  it.each([
    ['an old kernel OOM kill', 'kernel: Out of memory: Kill process 1736467 (python) score 70 or sacrifice child', 'oom'],
    ['PyCharm reporting a SIGKILL', 'Process finished with exit code 137 (interrupted by signal 9:SIGKILL)', 'killed'],
    ['httpx raising for a 429', "httpx.HTTPStatusError: Client error '429 Too Many Requests' for url 'https://api.anthropic.com/v1/messages'", 'rate_limited'],
    ['yarn naming the signal in quotes', 'error Command failed with signal "SIGTERM".\ninfo Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.', 'killed'],
    ['pnpm naming the signal in quotes', ' ELIFECYCLE  Command failed with signal "SIGSEGV".', 'segfault'],
    ['the BEAM failing a sized allocation', 'eheap_alloc: Cannot allocate 1220816 bytes of memory (of type "heap").\n\nCrash dump is being written to: erl_crash.dump...done', 'oom'],
    ["gunicorn's guess after its own timeout kill", '[1] [CRITICAL] WORKER TIMEOUT (pid:42)\n[1] [ERROR] Worker (pid:42) was sent SIGKILL! Perhaps out of memory?', 'timeout'],
    ['a deadline told as its length, in an exception', 'Error: socket timeout after 500 ms\n    at ClientRequest.<anonymous> ([eval]:1:89)', 'timeout'],
    ["a handler's own words for its alarm", 'waiting for upstream\nalarm: no reply from upstream within 1s', 'timeout'],
    ["curl's low-speed abort relayed by git", "fatal: unable to access 'http://h/agent.git/': Operation too slow. Less than 1000 bytes/sec transferred the last 1 seconds", 'timeout'],
    ['make reporting its recipe killed', 'worker: started\nmake: *** [Makefile:2: run] Killed', 'killed'],
    ["Popen's negative returncode", 'converter exited with returncode -11', 'segfault'],
    ['a container killed for exceeding its memory limits', 'Reason: Container killed by YARN for exceeding physical memory limits. 5.5 GB of 5.5 GB physical memory used.', 'oom'],
    ["reqwest's transport failure", 'ERROR: stream disconnected before completion: error sending request for url (https://api.openai.com/v1/responses)', 'network_error'],
    ["a deadline that ends in the step's kill", 'Timeout has been exceeded\nCancelling nested steps due to timeout\nSending interrupt signal to process\nTerminated\nscript returned exit code 143', 'timeout'],
    ["tokio's Elapsed after a program's own fetch step", 'ERROR indexer: shard fetch failed\nError: deadline has elapsed', 'timeout'],
    ['a read timeout in errno words', 'HTTP request sent, awaiting response... Read error (Connection timed out) in headers.\nGiving up.', 'timeout'],
    ["node exec's own timeout kill", "Error: Command failed: sleep 5\n    at genericNodeError (node:internal/errors:983:15) {\n  code: null,\n  killed: true,\n  signal: 'SIGTERM',\n  cmd: 'sleep 5'\n}", 'timeout'],
    ['a nanny restarting a worker over its memory budget', 'distributed.nanny.memory - WARNING - Worker tcp://127.0.0.1:40233 (pid=4411) exceeded 95% memory budget. Restarting...', 'oom'],
    ["celery's hard time limit before its SIGKILL", "[2026-12-04 02:15:00,113: ERROR/MainProcess] Hard time limit (300s) exceeded for tasks.reindex[7c1e]\n[2026-12-04 02:15:00,227: ERROR/MainProcess] Process 'ForkPoolWorker-3' pid:4411 exited with 'signal 9 (SIGKILL)'", 'timeout'],
    ["unicorn's master killing a worker past its timeout", 'E, [2026-12-04T02:11:01.884211 #1] ERROR -- : worker=0 PID:17 timeout (61s > 60s), killing\nE, [2026-12-04T02:11:01.901030 #1] ERROR -- : reaped #<Process::Status: pid 17 SIGKILL (signal 9)> worker=0', 'timeout'],
    ["Jenkins' timeout step cancelling its body", 'Cancelling nested steps due to timeout\nSending interrupt signal to process\nFinished: ABORTED', 'timeout'],
    ["Cloud Run's request timeout", 'The request has been terminated because it has reached the maximum request timeout.', 'timeout'],
    ['a pretty-printed quota error', 'litellm.exceptions.RateLimitError: VertexAIException - {\n  "error": {\n    "code": 429,\n    "status": "RESOURCE_EXHAUSTED"\n  }\n}', 'rate_limited'],
  ])('%s', (_name, tail, crashType) => {
    expect(classify({ tail }).crashType).toBe(crashType);
  });
});

// The live watcher (DESIGN §12) classifies each line of an agent CLI's loop alone: each line that
// names a cause must read as that cause by itself; a bare retry line names none and reads by the
// line before it.
describe('classify: agent-CLI loop lines, one at a time', () => {
  it.each([
    ['Reconnecting... waiting for network', 'network_error'],
    ['Waiting for network connection, retrying in 5s', 'network_error'],
    ['stream disconnected before completion', 'network_error'],
    ['Connection lost. Reconnecting', 'network_error'],
    ['Claude AI usage limit reached|1764903600', 'rate_limited'],
    ['usage limit reached', 'rate_limited'],
    ["You've hit your usage limit. Try again later.", 'rate_limited'],
    ['5-hour limit reached ∙ resets 3pm', 'rate_limited'],
    ['Network connection lost. Reconnecting...', 'network_error'],
    ['Overloaded', 'provider_overloaded'],
    ['API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'provider_overloaded'],
    ['529 Overloaded', 'provider_overloaded'],
    ['API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', 'auth_error'],
    ['prompt is too long: 215000 tokens > 200000 maximum', 'context_overflow'],
  ])('%s', (line, crashType) => {
    expect(classify({ tail: line }).crashType).toBe(crashType);
  });

  it.each([
    ['API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}', 'rate_limited'],
    ['API Error (503 Service Unavailable)', 'provider_overloaded'],
    ['API Error: 529 Overloaded', 'provider_overloaded'],
  ])('a retry line after %s reads as its cause', (before, crashType) => {
    expect(classify({ tail: `${before}\nRetrying in 8 seconds… (attempt 5/10)` }).crashType).toBe(crashType);
  });

  it.each([
    ['a bare retry line', 'Retrying in 8 seconds… (attempt 5/10)'],
    ['waiting on network traffic, not for a link', 'waiting for network traffic to settle before the screenshot'],
  ])('%s names no cause', (_name, line) => {
    expect(classify({ tail: line }).crashType).toBe('unknown');
  });

  it("a disk's usage limit is no provider's", () => {
    expect(classify({ tail: 'warning: disk usage limit reached on /var/cache' }).crashType).not.toBe('rate_limited');
  });
});

// Fifth round (issue #14): each cause in its own vocabulary, as runtimes, test runners, CI systems,
// orchestrators and agent CLIs word it — not the phrases of one tool — and the precedences between
// a cause and its neighbours (a connect timeout is the network's; the kill a deadline causes is the
// deadline's; a disk quota is the disk's).
describe('classify: a cause in its own vocabulary', () => {
  it.each([
    ['ctest past a test TIMEOUT', '1/3 Test #1: replay ...........................***Timeout 1500.01 sec\n\n67% tests passed, 1 tests failed out of 3\nErrors while running CTest', 'timeout'],
    ["bazel's test summary", '//services/api:integration_test          TIMEOUT in 300.1s\n\nExecuted 1 out of 1 test: 1 fails locally.', 'timeout'],
    ["Slurm's accounting state", 'JobID           JobName      State ExitCode\n------------ ---------- ---------- --------\n4411              train    TIMEOUT      0:0', 'timeout'],
    ["Azure Pipelines' job time limit, then its cancel", '##[error]The job running on agent Hosted Agent ran longer than the maximum time of 60 minutes.\n##[error]The operation was canceled.', 'timeout'],
    ['a step that took longer than its configured timeout', 'Error: the build step took longer than the configured timeout of 120s', 'timeout'],
    ['a job past its maximum run time', 'ERROR: job exceeded the maximum run time of 2h0m0s', 'timeout'],
    ['a build that reached its time limit', 'Build step reached its time limit and was stopped', 'timeout'],
    ["Erlang's timeout exit", '** exception exit: {timeout,{gen_statem,call,[conn,fetch,5000]}}\n     in function  gen_statem:call/3', 'timeout'],
    ["Elixir's awaited task timing out", '** (exit) exited in: Task.await(%Task{ref: #Reference<0.1.2.3>}, 5000)\n    ** (EXIT) time out', 'timeout'],
    ['a connect timeout stays the network', 'dial tcp 10.0.0.5:5432: connect: connection timed out', 'network_error'],
    ["undici's connect timeout stays the network", 'ConnectTimeoutError: Connect Timeout Error (attempted address: api.example.com:443, timeout: 10000ms)', 'network_error'],
    ["pgx's dial timeout stays the network", 'failed to connect to `host=db user=app database=app`: dial error (timeout: dial tcp 10.0.0.5:5432: i/o timeout)', 'network_error'],
    ["Sidekiq's shutdown exception", 'WARN: Sidekiq::Shutdown: Sidekiq::Shutdown\nINFO: Pushed 1 jobs back to Redis\nINFO: Bye!', 'killed'],
    ["Ruby's Interrupt", "/app/worker.rb:12:in 'sleep': Interrupt\n\tfrom /app/worker.rb:12:in '<main>'", 'killed'],
    ["Ruby's SignalException", "/app/worker.rb:8:in 'sleep': SIGTERM (SignalException)", 'killed'],
    ["the BEAM's linked process killed", '** (EXIT from #PID<0.95.0>) killed', 'killed'],
    ["the BEAM's supervisor shutdown", '** (EXIT from #PID<0.120.0>) shutdown', 'killed'],
    ["Erlang's killed exit", '** exception exit: killed', 'killed'],
    ["celery's worker told to terminate", 'celery.exceptions.WorkerTerminate: 1', 'killed'],
    ['an eviction under memory pressure', 'Warning  Evicted  12s  kubelet  The node had condition: [MemoryPressure].', 'oom'],
    ['an eviction told by the eviction manager', 'eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="memory"\neviction_manager.go:577] "Eviction manager: pod is evicted successfully" pod="jobs/indexer-7c9"', 'oom'],
    ['an eviction under disk pressure is the disk', 'Warning  Evicted  40s  kubelet  The node had condition: [DiskPressure].', 'disk_full'],
    ["a node's healthy conditions are no eviction", 'MemoryPressure   False   KubeletHasSufficientMemory   kubelet has sufficient memory available\nPod was terminated', 'killed'],
    ["Gemini CLI's daily quota", '✕ [API Error: You have exhausted your daily quota on this model.]', 'rate_limited'],
    ['a daily request limit', 'Error: You have reached your daily limit of 50 requests. Upgrade your plan to continue.', 'rate_limited'],
    ["Google's quota reason", '"reason": "dailyLimitExceeded"', 'rate_limited'],
    ['a quota told as exhausted', 'Quota exhausted for quota metric generate_content_requests', 'rate_limited'],
    ['a disk quota stays the disk', 'write /data/out.bin: disk quota exceeded', 'disk_full'],
    ["R's vector memory", 'Error: vector memory exhausted (limit reached?)\nExecution halted', 'oom'],
    ["R's failed allocation", 'Error: cannot allocate vector of size 2.3 Gb\nExecution halted', 'oom'],
    ["a timeout as the error's whole reason", 'Error: timeout', 'timeout'],
    ["a structured log's timeout reason", '{"level":"error","msg":"sync aborted","reason":"timeout"}', 'timeout'],
  ])('%s', (_name, tail, crashType) => {
    expect(classify({ tail }).crashType).toBe(crashType);
  });

  it.each([
    ['a TIMEOUT setting', 'export TIMEOUT=30\nconfig: TIMEOUT: 30s, RETRIES: 3'],
    ["a node's healthy condition table", 'MemoryPressure   False   KubeletHasSufficientMemory'],
    ['timeout as a word in a setting', 'status: timeout budget set to 30s'],
    ['no step past its limit', 'Ran 120 tests in 4.2s; none took longer than the configured threshold'],
    ['quota usage told', 'checking quota usage: 12% of daily quota used'],
  ])('%s names no cause', (_name, tail) => {
    expect(classify({ tail }).crashType).toBe('unknown');
  });
});
