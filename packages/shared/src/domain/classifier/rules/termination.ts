import type { Rule } from '../types.js';
import { excerpt, gist } from '../gist.js';

/** Stopped from outside: signals, shells reporting them, orchestrators stopping containers. */
export const killedRules: Rule[] = [
  {
    // The shell's report of a SIGKILL death; "Killed process" (the kernel) and "SkilledWorker" are not it.
    id: 'shell-killed',
    crashType: 'killed',
    weight: 0.78,
    // Bash says `Killed` alone, or `<pid> Killed   <command>`: "Killed 3 zombie children" is a log line.
    pattern: /^Killed$|^Killed: 9\b|\s\d+\s+Killed(?:\s|$)|^zsh: killed\b|^\[\d+\]\+?\s+Killed\b/,
    summary: 'Killed by SIGKILL from outside (the shell reported "Killed")',
    sigkill: true,
  },
  {
    id: 'sigkill',
    crashType: 'killed',
    weight: 0.82,
    pattern: /\bSIGKILL\b|signal: killed|status=9\/KILL|(?:killed|terminated) by signal 9\b|died with <Signals\.SIGKILL/,
    summary: 'Killed by SIGKILL from outside',
    sigkill: true,
  },
  {
    id: 'shell-terminated',
    crashType: 'killed',
    weight: 0.78,
    pattern: /^Terminated$|\s\d+\s+Terminated(?:\s|$)|^zsh: terminated\b|^\[\d+\]\+?\s+Terminated\b/,
    summary: 'Terminated by SIGTERM from outside (the shell reported "Terminated")',
  },
  {
    id: 'sigterm',
    crashType: 'killed',
    weight: 0.8,
    pattern: /\bSIGTERM\b|signal: terminated|status=15\/TERM|(?:killed by|terminated by|received) signal 15\b|died with <Signals\.SIGTERM/,
    summary: 'Terminated by SIGTERM from outside',
  },
  {
    id: 'sigint',
    crashType: 'killed',
    weight: 0.82,
    pattern: /^KeyboardInterrupt\b|\bSIGINT\b|signal: interrupt|died with <Signals\.SIGINT|status=2\/INT|^\^C$/,
    summary: 'Interrupted from outside (SIGINT / Ctrl-C)',
  },
  {
    id: 'sighup',
    crashType: 'killed',
    weight: 0.75,
    pattern: /\bSIGHUP\b|^Hangup\b|signal: hangup|status=1\/HUP/,
    summary: 'Hung up (SIGHUP)',
  },
  {
    id: 'orchestrator-stop',
    crashType: 'killed',
    weight: 0.8,
    pattern:
      /Stopping container|Killing container|\bEvicted\b|Pod was terminated|imminent node shutdown|\bpreempted\b|\bPreempting\b|spot (?:instance )?interruption|aborted: (?:terminated|interrupt)\b/i,
    summary: (m) => `Stopped from outside (${gist(m[0], 60)})`,
  },
  {
    // Servers and workers telling, in their own words, that a signal or a stop request is taking
    // them down: gunicorn's `Handling signal: term`, PostgreSQL's `received fast shutdown request`,
    // Celery's `Warm shutdown (MainProcess)`, systemd's `Failed with result 'signal'`.
    id: 'shutdown-request',
    crashType: 'killed',
    weight: 0.74,
    pattern:
      /Handling signal: (?:term|int|quit|hup)\b|received (?:fast|smart|immediate) shutdown request|\b(?:Warm|Cold) shutdown \(|Commencing graceful shutdown|\btermination signal received|received (?:a )?(?:termination|stop|kill) (?:signal|request)|Failed with result 'signal'/i,
    summary: (m) => `Stopped from outside (${gist(m[0], 60)})`,
  },
  {
    // Runtimes telling a stop from outside as their own shutdown exception or exit reason: Sidekiq's
    // `Sidekiq::Shutdown` (the job is pushed back), Ruby's `Interrupt` and `SignalException`, the
    // BEAM's `(EXIT from #PID<…>) killed` / `shutdown` and `exception exit: killed`, celery's
    // `WorkerShutdown`/`WorkerTerminate`. They are what a signal looks like from inside, so they
    // outweigh the exception rules that would read them as a bug (elixir-exception, ruby-exception).
    id: 'runtime-shutdown',
    crashType: 'killed',
    weight: 0.86,
    pattern:
      /\b[A-Z]\w*::Shutdown\b|\bSignalException\b|:in [`'][^']*': Interrupt$|\(Interrupt\)$|^Interrupt$|\((?:EXIT|exit)(?: from #PID<[\d.]+>)?\) (?:killed|shutdown)\b|\bexception exit: (?:killed|shutdown)\b|\breason: :(?:killed|shutdown)\b|\bWorker(?:Shutdown|Terminate)\b/,
    summary: (m) => `Stopped from outside (${gist(m[0], 60)})`,
  },
  {
    id: 'graceful-stop',
    crashType: 'killed',
    weight: 0.72,
    pattern: /Gracefully stopping|shutting down gracefully|received (?:a )?shutdown signal|shutdown signal received|\bsignal=(?:SIG)?(?:TERM|terminated|INT|interrupt)\b|The operation was canceled|^Stopping .*\.service/i,
    summary: (m) => `Stopped from outside (${gist(m[0], 60)})`,
  },
];

/** The work's own deadline. */
export const timeoutRules: Rule[] = [
  {
    // A supervisor's or platform's own time limit, told before the kill it causes (celery's `Hard
    // time limit (300s) exceeded`, Jenkins' `Cancelling nested steps due to timeout`, Cloud Run's
    // `reached the maximum request timeout`): the deadline explains the SIGKILL that follows.
    id: 'deadline',
    crashType: 'timeout',
    weight: 0.95,
    pattern:
      /DeadlineExceeded|DEADLINE_EXCEEDED|context deadline exceeded|Deadline Exceeded|Task timed out after|exceeded the maximum execution time|execution took longer than|test timed out after|Exceeded timeout of \d+|Maximum execution time of \d+ seconds? exceeded|Client\.Timeout exceeded|timeout: sending signal|\btimed out after \d|TimeoutExpired|CPU time limit exceeded|\bSIGXCPU\b|exceeded (?:its |the )?(?:time budget|time limit|deadline)|Timeout of \d+ ?ms exceeded|Failed: Timeout >\d|timeout while waiting for|time (?:budget|limit)(?: \(\d+(?:\.\d+)? ?m?s\))? (?:was )?exceeded|wall[- ]?clock (?:time )?(?:limit|budget)|DUE TO TIME LIMIT|(?:time|wall[- ]?clock) budget\b.{0,30}\bexhausted|^\+{5,} Timeout \+{5,}$|\bdeadline exceeded\b|\b(?:Soft)?TimeLimitExceeded\b|Failed with result 'timeout'|\b[Tt]imeout has been exceeded\b|\bdeadline has elapsed\b|reached the maximum request timeout|\b(?:ran|took|has been running|was running) longer than (?:the |its |their )?(?:maximum|max|allowed|configured|permitted|specified) (?:\w+ )?(?:time|timeout|duration|limit|run ?time)\b|exceeded (?:the |its )?max(?:imum)? (?:allowed )?(?:execution |run(?:ning)? |job |build |wall[- ]?clock )?time\b|\b(?:reached|hit|exceeded|past|over) (?:its |the |their |a |your )?(?:\w+ )?time ?limit\b|\btime ?limit (?:reached|hit|exceeded|expired)\b|\b(?:cancel+(?:ed|ing)|abort(?:ed|ing)|kill(?:ed|ing)|terminat(?:ed|ing)|stopp(?:ed|ing))\b.{0,40}\bdue to (?:a |the )?time ?out\b/i,
    summary: (m) => `The work ran past its deadline: ${excerpt(m, 120)}`,
  },
  {
    // A deadline told as its length: `socket timeout after 500 ms`, a handler's `no reply from
    // upstream within 1s` (perl's ALRM idiom), gunicorn's, unicorn's (`timeout (61s > 60s), killing`)
    // and puma's masters killing a worker past their timeout: the kill they then log is the deadline's.
    // It outweighs the exception that carried it (a `new Error('… timeout after 500 ms')`).
    id: 'deadline-length',
    crashType: 'timeout',
    weight: 0.93,
    pattern:
      /\btime(?:d[ -])?out after \d+(?:\.\d+)? ?(?:ms|s|secs?|seconds?|m|mins?|minutes?)\b|\bno (?:reply|response|answer|output)\b.{0,40}\b(?:within|in) \d+(?:\.\d+)? ?(?:ms|s|secs?|seconds?|m|mins?|minutes?)\b|\bWORKER TIMEOUT\b|\btimeout \(\d+(?:\.\d+)?s > \d+(?:\.\d+)?s\)|\bTerminating timed out worker\b/i,
    summary: (m) => `The work ran past its deadline: ${excerpt(m, 120)}`,
  },
  {
    // curl's `Operation too slow` is its low-speed abort, reported as CURLE_OPERATION_TIMEDOUT
    // (exit 28) and relayed verbatim by git: a transfer's deadline, not a failed connection.
    id: 'timeout-error',
    crashType: 'timeout',
    weight: 0.88,
    pattern:
      /\b[A-Z]?\w*Timeout(?:Error|Exception)\b|socket\.timeout|\b(?:Read|Write|Pool)Timeout(?:Error)?\b|Read timed out|\bAPITimeoutError\b|APIConnectionTimeoutError|HttpTimeoutException|\bTimeoutException\b|operation was aborted due to timeout|UND_ERR_(?:HEADERS|BODY)_TIMEOUT|HeadersTimeoutError|BodyTimeoutError|Operation timed out after|Operation too slow\b|Request timed out|read operation timed out|\bTimeout::Error\b|\bexecution expired\b|\bNet::(?:Read|Write)Timeout\b|\bnetwork timeout at:|\bESOCKETTIMEDOUT\b|\b[Tt]imeout exceeded\b|timed out waiting/,
    summary: (m) => `Timed out: ${excerpt(m, 120)}`,
  },
  {
    // Node's child_process reports its own `timeout` option as ETIMEDOUT of the spawn: a deadline
    // the program set, not a connection's; it outweighs the errno rule (socket-errno, 0.95).
    id: 'spawn-timeout',
    crashType: 'timeout',
    weight: 0.97,
    pattern: /\bspawnSync \S+ ETIMEDOUT\b|syscall: 'spawnSync /,
    summary: 'A child process ran past the timeout its parent gave it (spawnSync ETIMEDOUT)',
  },
  {
    // A read that timed out, told with the errno text of a connect timeout: wget's
    // `Read error (Connection timed out) in headers`. The connection was up; it outweighs the
    // errno rules (socket-errno, connection-words).
    id: 'read-errno-timeout',
    crashType: 'timeout',
    weight: 0.97,
    pattern: /\bRead error \((?:Connection )?timed out\)/i,
    summary: (m) => `A read ran past its timeout: ${excerpt(m, 120)}`,
  },
  {
    // Node's async child_process sets `killed: true` on the error only when the parent killed the
    // child itself, which exec/execFile do for their `timeout` option (maxBuffer says so in its
    // own message): the parent's deadline, not an outside signal, though `signal: 'SIGTERM'` follows.
    id: 'node-exec-killed',
    crashType: 'timeout',
    weight: 0.9,
    pattern: /^killed: true,$/,
    summary: "A child process ran past the timeout its parent gave it (node exec's killed: true)",
  },
  {
    // Test runners', schedulers' and CI systems' status word for a run stopped at its limit: ctest's
    // `***Timeout 1500.01 sec` and `(Timeout)`, bazel's `TIMEOUT in 300.1s`, Slurm's `TIMEOUT` state.
    // Upper case only, and not a setting (`TIMEOUT=30`, `TIMEOUT: 30`) nor a connect's (`Connection
    // TIMEOUT` is the network's; `UND_ERR_CONNECT_TIMEOUT` has no word boundary).
    id: 'timeout-status',
    crashType: 'timeout',
    weight: 0.9,
    pattern: /\*\*\*Timeout\b|\((?:Timeout|TIMEOUT)\)$|\[(?:TIMEOUT|Timeout|TIMED OUT)\]|(?<![Cc]onnect(?:ion)? )\bTIMEOUT\b(?!\s*[=:])/,
    summary: (m) => `The work ran past its deadline: ${excerpt(m, 120)}`,
  },
  {
    // The BEAM's exit reason `timeout`: Erlang's `{timeout,{gen_server,call,…}}`, Elixir's
    // `** (EXIT) time out` under `exited in: GenServer.call(…, 5000)`: a call past its deadline,
    // which outweighs the Elixir exception banner carrying it (elixir-exception, 0.75). A failed
    // connect is `{error,timeout}`, which this does not read.
    id: 'runtime-timeout-exit',
    crashType: 'timeout',
    weight: 0.92,
    pattern: /\{timeout,\s*\{|\((?:EXIT|exit)\) time ?out\b|\bexception exit: timeout\b/,
    summary: (m) => `A call ran past its deadline: ${excerpt(m, 120)}`,
  },
  {
    // A timeout given as the error's whole reason (`Error: timeout`, `failed: Timeout.`,
    // `reason=timeout`, `error: timeout after 30s`), not a word in a setting (`status: timeout budget
    // set`): weaker than any connect rule, so a connect's own words beside it stay the network's.
    id: 'timeout-reason',
    crashType: 'timeout',
    weight: 0.78,
    pattern: /\b(?:error|fatal|failed|failure|exited|reason|status|result)\b["']?[:=]?\s*["'(]?time ?out\b(?=\s*(?:$|[.,;:!)"'\]}]|after\b|waiting\b|exceeded\b|expired\b|reached\b))/i,
    summary: (m) => `Timed out: ${excerpt(m, 120)}`,
  },
  {
    id: 'timed-out',
    crashType: 'timeout',
    weight: 0.72,
    pattern: /\btimed out\b/i,
    summary: (m) => `Timed out: ${excerpt(m, 120)}`,
  },
];
