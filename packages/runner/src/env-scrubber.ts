import { REDACTED } from '@smart-reap/shared';

/** Names that say their value is a secret (ANTHROPIC_API_KEY, GITHUB_TOKEN, DB_PASSWORD, REAPER_TASK_LEASE, …). */
const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASSW(?:OR)?D|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION|LEASE/i;
/** Shorter values are too likely to be ordinary words or numbers to be hidden wherever they occur. */
export const MIN_SCRUBBED_CHARS = 6;

/**
 * A function that hides, in any text, the exact values of the environment's secret-named variables.
 * The server's `redact` knows secret shapes; this knows the secrets themselves, so a short key the
 * command prints bare (`sk-ant-fake-123`, no `NAME=` before it) is hidden too. Longest first, so a
 * value that contains another is hidden whole.
 */
export function secretEnvScrubber(env: NodeJS.ProcessEnv): (text: string) => string {
  const values = [
    ...new Set(
      Object.entries(env)
        .filter(([name, value]) => SECRET_ENV_NAME.test(name) && value !== undefined && value.length >= MIN_SCRUBBED_CHARS)
        .map(([, value]) => value!),
    ),
  ].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}
