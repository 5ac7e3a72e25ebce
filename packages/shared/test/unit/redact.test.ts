import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../src/domain/redact.js';

// Fake keys in the real shapes, assembled at run time so no scanner takes this file for a leak.
const alnum = (n: number, seed = 7): string => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i += 1) out += chars[(i * 31 + seed * 17) % chars.length];
  return out;
};
const keys = {
  anthropic: `sk-ant-api03-${alnum(40)}-${alnum(30, 3)}-${alnum(8, 5)}AA`,
  anthropicAdmin: `sk-ant-admin01-${alnum(60)}`,
  openai: `sk-${alnum(48)}`,
  openaiProject: `sk-proj-${alnum(60)}_${alnum(40, 2)}`,
  githubClassic: `ghp_${alnum(36)}`,
  githubOauth: `gho_${alnum(36)}`,
  githubServer: `ghs_${alnum(36)}`,
  githubFine: `github_pat_${alnum(22)}_${alnum(59)}`,
  awsAccess: `AKIA${'IOSFODNN7EXAMPLE'}`,
  awsSession: `ASIA${'Y34FZKBOKMUTVV7A'}`,
  slackBot: `xoxb-${'1234567890'}-${'1234567890123'}-${alnum(24)}`,
  slackUser: `xoxp-${'1234567890'}-${alnum(24)}`,
  google: `AIza${alnum(35)}`,
  stripe: `sk_live_${alnum(24)}`,
  stripeRestricted: `rk_live_${alnum(24)}`,
  huggingface: `hf_${alnum(34)}`,
  jwt: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.${alnum(43)}`,
};

/** Every secret character run of ≥ 12 must be gone, whatever the wrapping text. */
function expectGone(out: string, secret: string): void {
  expect(out).not.toContain(secret);
  const tail = secret.slice(-12);
  expect(out).not.toContain(tail);
}

describe('redact: provider keys', () => {
  it.each(Object.entries(keys))('hides a %s key in running text', (_name, key) => {
    const out = redact(`request failed using key ${key} (see docs)`);
    expectGone(out, key);
    expect(out).toContain(REDACTED);
    expect(out).toMatch(/^request failed using key .*\[REDACTED\].* \(see docs\)$/);
  });

  it('keeps the provider prefix as a hint', () => {
    expect(redact(keys.anthropic)).toBe('sk-ant-[REDACTED]');
    expect(redact(keys.openaiProject)).toBe('sk-proj-[REDACTED]');
    expect(redact(keys.openai)).toBe('sk-[REDACTED]');
    expect(redact(keys.githubClassic)).toBe('ghp_[REDACTED]');
    expect(redact(keys.awsAccess)).toBe('AKIA[REDACTED]');
    expect(redact(keys.google)).toBe('AIza[REDACTED]');
    expect(redact(keys.stripe)).toBe('sk_live_[REDACTED]');
    expect(redact(keys.huggingface)).toBe('hf_[REDACTED]');
    expect(redact(keys.jwt)).toBe('eyJ[REDACTED]');
  });

  it('hides keys inside env dumps, JSON and headers', () => {
    const text = [
      `ANTHROPIC_API_KEY=${keys.anthropic}`,
      `export OPENAI_API_KEY="${keys.openaiProject}"`,
      `{"api_key": "${keys.openai}", "model": "gpt-4o"}`,
      `> x-api-key: ${keys.anthropicAdmin}`,
      `GITHUB_TOKEN=${keys.githubFine}`,
    ].join('\n');
    const out = redact(text);
    for (const key of Object.values(keys)) expectGone(out, key);
    expect(out).toContain('"model": "gpt-4o"');
    expect(out).toContain('ANTHROPIC_API_KEY=sk-ant-[REDACTED]');
  });

  it('does not take kebab-case words for OpenAI keys', () => {
    expect(redact('see sk-learn-compatible-estimators-guide for details')).toBe(
      'see sk-learn-compatible-estimators-guide for details',
    );
  });
});

describe('redact: AWS secrets', () => {
  it('hides aws_secret_access_key values in config and env forms', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const out = redact(
      `[default]\naws_access_key_id = ${keys.awsAccess}\naws_secret_access_key = ${secret}\nAWS_SESSION_TOKEN=${alnum(80)}\n`,
    );
    expectGone(out, secret);
    expectGone(out, keys.awsAccess);
    expectGone(out, alnum(80));
    expect(out).toContain('aws_secret_access_key = [REDACTED]');
  });
});

describe('redact: authorization', () => {
  it('hides bearer tokens in headers, whatever the case and quoting', () => {
    const token = alnum(40);
    for (const line of [
      `Authorization: Bearer ${token}`,
      `authorization: bearer ${token}`,
      `{"Authorization": "Bearer ${token}"}`,
      `headers={'Authorization': 'Bearer ${token}'}`,
      `curl -H "Authorization: Bearer ${token}" https://api.example.com`,
    ]) {
      const out = redact(line);
      expectGone(out, token);
      expect(out).toMatch(/Bearer \[REDACTED\]/i);
    }
  });

  it('hides a bearer token outside a header too', () => {
    const token = alnum(32);
    expect(redact(`using Bearer ${token} for the call`)).toBe('using Bearer [REDACTED] for the call');
  });

  it('hides Basic credentials', () => {
    const basic = Buffer.from('admin:hunter2').toString('base64');
    expect(redact(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic [REDACTED]');
    expect(redact(`sent Basic ${basic}`)).toBe('sent Basic [REDACTED]');
  });

  it('leaves prose about bearer tokens and basic usage alone', () => {
    const prose = 'Basic usage: pass bearer tokens in the header. Basic authentication is disabled.';
    expect(redact(prose)).toBe(prose);
  });

  it('hides cookies', () => {
    expect(redact('Set-Cookie: session=abc123; Path=/; HttpOnly')).toBe('Set-Cookie: [REDACTED]');
    expect(redact('cookie: sid=s%3Aabc.def')).toBe('cookie: [REDACTED]');
  });
});

describe('redact: passwords in URLs', () => {
  it.each([
    ['postgres://app:s3cr3t@db.internal:5432/app', 'postgres://app:[REDACTED]@db.internal:5432/app'],
    ['redis://:hunter2@127.0.0.1:6379/0', 'redis://:[REDACTED]@127.0.0.1:6379/0'],
    ['https://user:p%40ss@example.com/x', 'https://user:[REDACTED]@example.com/x'],
    ['amqp://guest:guest@rabbit//', 'amqp://guest:[REDACTED]@rabbit//'],
  ])('%s', (input, expected) => {
    expect(redact(`connecting to ${input} failed`)).toBe(`connecting to ${expected} failed`);
  });

  it('leaves URLs without credentials alone', () => {
    const line = 'GET http://127.0.0.1:8080/v1/messages?x=1 -> see user@example.com';
    expect(redact(line)).toBe(line);
  });
});

describe('redact: named secrets', () => {
  it.each([
    ['DB_PASSWORD=hunter2', 'DB_PASSWORD=[REDACTED]'],
    ['password: correct-horse', 'password: [REDACTED]'],
    ['PASSWD=letmein', 'PASSWD=[REDACTED]'],
    ['db_pwd=letmein', 'db_pwd=[REDACTED]'],
    ['client_secret=abc.def', 'client_secret=[REDACTED]'],
    ['GOOGLE_APPLICATION_CREDENTIALS_JSON=eyabc', 'GOOGLE_APPLICATION_CREDENTIALS_JSON=[REDACTED]'],
    ['refresh_token: 1//0gabc', 'refresh_token: [REDACTED]'],
    ['apiKey=abcdef123', 'apiKey=[REDACTED]'],
    ['x-api-key: abc123', 'x-api-key: [REDACTED]'],
    ['--password=abc', '--password=[REDACTED]'],
    ['--api-key abc123 --model x', '--api-key [REDACTED] --model x'],
    ['PASSWORD=123456', 'PASSWORD=[REDACTED]'],
    ['SECRET="two words"', 'SECRET="[REDACTED]"'],
    ['{"password":"p@ss w0rd","user":"bob"}', '{"password":"[REDACTED]","user":"bob"}'],
    ["{'client_secret': 'xyz', 'id': 1}", "{'client_secret': '[REDACTED]', 'id': 1}"],
    ['{"api_key": 12345678}', '{"api_key": [REDACTED]}'],
    ['https://api.example.com/v1?api_key=abc123&q=1', 'https://api.example.com/v1?api_key=[REDACTED]&q=1'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('keeps token counts: they are usage, not secrets', () => {
    for (const line of [
      'max_tokens=4096',
      '"max_tokens": 4096',
      'usage: prompt_tokens: 1234, completion_tokens: 56',
      '{"input_tokens": 210000, "output_tokens": 0}',
      'tokens: 1234 used in this turn',
    ]) {
      expect(redact(line)).toBe(line);
    }
  });

  it('keeps empty, null and placeholder values and the shell working directory', () => {
    for (const line of ['API_KEY=', 'password: null', 'token=${TOKEN}', 'SECRET=***', 'PWD=/home/app', 'OLDPWD=/tmp']) {
      expect(redact(line)).toBe(line);
    }
  });

  it('leaves names that only look like keys alone', () => {
    for (const line of ['KEY_PREFIX=sr', 'keys: 5', 'keyboard=us', 'primary key violation on id=3']) {
      expect(redact(line)).toBe(line);
    }
  });
});

describe('redact: private keys', () => {
  const body = Array.from({ length: 6 }, (_, i) => alnum(64, i)).join('\n');

  it('hides a whole PEM block and keeps its label', () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    const out = redact(`loading key\n${pem}\ndone`);
    expect(out).toBe('loading key\n-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----\ndone');
  });

  it('hides OpenSSH and PKCS#8 blocks', () => {
    for (const label of ['OPENSSH PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']) {
      const out = redact(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`);
      expectGone(out, alnum(64, 3));
    }
  });

  it('hides a block the tail cut at its start or its end', () => {
    const cutEnd = redact(`key follows\n-----BEGIN PRIVATE KEY-----\n${body}`);
    expect(cutEnd).toBe('key follows\n-----BEGIN PRIVATE KEY-----[REDACTED]');
    const cutStart = redact(`${body}\n-----END PRIVATE KEY-----\nnext line`);
    expect(cutStart).toBe('[REDACTED]-----END PRIVATE KEY-----\nnext line');
  });

  it('leaves public keys and certificates alone', () => {
    const cert = `-----BEGIN CERTIFICATE-----\nMIIB${alnum(10)}\n-----END CERTIFICATE-----`;
    expect(redact(cert)).toBe(cert);
  });
});

describe('redact: ordinary text survives', () => {
  it('leaves stack traces and error lines untouched', () => {
    const trace = [
      'Traceback (most recent call last):',
      '  File "/app/token.py", line 12, in <module>',
      '    main(max_tokens=4096)',
      'KeyError: \'token\'',
      'Error: connect ECONNREFUSED 127.0.0.1:443',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
      '    at Object.<anonymous> (/srv/secret-store.js:10:5)',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      'openai.RateLimitError: Error code: 429 - {\'error\': {\'type\': \'rate_limit_error\'}}',
      'Segmentation fault (core dumped)',
      'password authentication failed for user "postgres"',
    ].join('\n');
    expect(redact(trace)).toBe(trace);
  });

  it('is idempotent', () => {
    const text = [
      `Authorization: Bearer ${alnum(40)}`,
      `ANTHROPIC_API_KEY=${keys.anthropic}`,
      'postgres://app:s3cr3t@db/app',
      `-----BEGIN PRIVATE KEY-----\n${alnum(64)}\n-----END PRIVATE KEY-----`,
      '{"password": "x y"}',
      `x-api-key: ${keys.anthropic}`,
    ].join('\n');
    const once = redact(text);
    expect(redact(once)).toBe(once);
  });

  it('stays fast on long runs of dotted words', () => {
    const started = performance.now();
    redact('a.'.repeat(8000));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('handles empty and binary-looking input', () => {
    expect(redact('')).toBe('');
    expect(redact('\u0000\uFFFD\r\n')).toBe('\u0000\uFFFD\r\n');
  });
});
