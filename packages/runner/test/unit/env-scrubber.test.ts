import { describe, expect, it } from 'vitest';
import { secretEnvScrubber } from '../../src/env-scrubber.js';

describe('secretEnvScrubber', () => {
  it('hides the exact values of secret-named variables wherever they occur, longest first', () => {
    const scrub = secretEnvScrubber({
      ANTHROPIC_API_KEY: 'sk-ant-fake-123',
      GITHUB_TOKEN: 'tok-abc.def',
      MY_SECRET: 'sk-ant-fake-123-longer',
      DB_PASSWORD: 'p4ss(w)rd',
      DB_PASSWD: 'other1',
      AWS_CREDENTIALS: 'creds1',
      HTTP_AUTH: 'user:pw1',
      PATH: '/usr/bin:/bin',
      HOME: '/home/me',
    });
    expect(scrub('key sk-ant-fake-123 and sk-ant-fake-123-longer, tok-abc.def, p4ss(w)rd, other1 creds1 user:pw1')).toBe(
      'key [REDACTED] and [REDACTED], [REDACTED], [REDACTED], [REDACTED] [REDACTED] [REDACTED]',
    );
    expect(scrub('PATH is /usr/bin:/bin, home /home/me')).toBe('PATH is /usr/bin:/bin, home /home/me');
  });

  it('leaves values under 6 characters alone: too likely to be ordinary words', () => {
    const scrub = secretEnvScrubber({ API_KEY: 'abc12', KEY_PREFIX: 'sr' });
    expect(scrub('abc12 sr')).toBe('abc12 sr');
    expect(secretEnvScrubber({})('anything')).toBe('anything');
  });
});
