/**
 * What a victim does once it holds its job, the same for BullMQ's Worker and smart-reap's: say so,
 * then either hang for ever (to be SIGKILLed) or block its event loop for 75 s and finish.
 */
export async function victimWork(mode: string): Promise<string> {
  process.stdout.write('started\n');
  if (mode === 'block-75s') {
    const until = Date.now() + 75_000;
    while (Date.now() < until) {
      /* a CPU-bound step that never yields to the event loop */
    }
    return 'done';
  }
  return new Promise(() => undefined);
}
