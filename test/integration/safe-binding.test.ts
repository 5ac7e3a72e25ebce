import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, configWith, createLogger } from '@smart-reap/shared';
import { startStack } from '@smart-reap/cli';
import { redisUrl, uniquePrefix } from '../support/redis-context.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** An address of this machine that is not loopback, when it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

describe('safe by default: where the API binds', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
  });

  it('without API_TOKEN binds 127.0.0.1 only', async () => {
    stack = await startTestStack({}, ['reaper'], { host: undefined });
    expect(stack.address).toBe('127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${stack.port}/healthz`)).status).toBe(200);
    const outside = outsideAddress();
    if (outside) await expect(fetch(`http://${outside}:${stack.port}/healthz`)).rejects.toThrow();
  });

  it('with API_TOKEN binds every interface unless HOST says otherwise', async () => {
    stack = await startTestStack({ API_TOKEN: 'bind-token' }, ['reaper'], { host: undefined });
    expect(stack.address).toBe('0.0.0.0');
    await stack.dispose();
    stack = await startTestStack({ API_TOKEN: 'bind-token', HOST: '127.0.0.1' }, ['reaper'], { host: undefined });
    expect(stack.address).toBe('127.0.0.1');
  });

  it('refuses to start off loopback without API_TOKEN, naming HOST and API_TOKEN', async () => {
    expect(() => configWith({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => configWith({ HOST: '0.0.0.0' })).toThrow(/HOST: HOST=0\.0\.0\.0 is not a loopback address and API_TOKEN is unset/);
    expect(configWith({ HOST: '::1' }).HOST).toBe('::1');
    const config = configWith({ KEY_PREFIX: uniquePrefix('bind'), PORT: 0, LOG_LEVEL: 'silent' });
    await expect(startStack({ config, redisUrl: redisUrl(), services: ['reaper'], logger: createLogger('test', 'silent'), host: '0.0.0.0' })).rejects.toThrow(
      /HOST=0\.0\.0\.0 .*API_TOKEN is unset/,
    );
  });
});
