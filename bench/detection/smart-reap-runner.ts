/**
 * A runner for the bench: beats every 30 s through the API like `reaper run` does, and in
 * `block-75s` mode blocks its own event loop for 75 s (no beats meanwhile) and then completes.
 * argv: apiUrl taskId runnerId mode; its lease comes on stdin, as the claim naming its pid is made
 * after it started.
 */
import { createInterface } from 'node:readline';

const [apiUrl, taskId, runnerId, mode] = process.argv.slice(2) as [string, string, string, string];
let lease = '';
const post = (path: string, body: unknown) =>
  fetch(`${apiUrl}/tasks/${taskId}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'reaper-lease': lease }, body: JSON.stringify(body) });

process.stdout.write('started\n');
for await (const line of createInterface({ input: process.stdin })) {
  lease = line.trim();
  break;
}
setInterval(() => void post('heartbeat', { runnerId }), 30_000);
if (mode === 'block-75s') {
  setTimeout(async () => {
    const until = Date.now() + 75_000;
    while (Date.now() < until) {
      /* CPU-bound, event loop blocked */
    }
    await post('complete', { runnerId, output: 'done' });
    process.exit(0);
  }, 100);
}
