import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeProvider {
  url: string;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** The `retry-after` it answers with, in seconds. Default 3. */
  retryAfterSeconds?: number;
}

/** Anthropic's 429 body, as the API sends it. */
export function rateLimitBody(): string {
  return JSON.stringify({
    type: 'error',
    error: {
      type: 'rate_limit_error',
      message:
        'This request would exceed the rate limit for your organization (00000000-0000-4000-8000-000000000000) of 50,000 input tokens per minute. ' +
        'For details, refer to: https://docs.claude.com/en/api/rate-limits. Please reduce the prompt length or the maximum tokens requested, or try again later.',
    },
    request_id: 'req_demo_0000000000000000',
  });
}

/**
 * A stand-in for an LLM provider on 127.0.0.1, so the demo's runners die of what kills real ones:
 * `POST /v1/messages` answers 429 with the provider's headers and body; with `?stream=true` the
 * connection is dropped before any answer (the client sees ECONNRESET, "socket hang up").
 */
export async function startFakeProvider(o: FakeProviderOptions = {}): Promise<FakeProvider> {
  const retryAfter = String(o.retryAfterSeconds ?? 3);
  const server: Server = createServer((req, res) => {
    if (req.url?.includes('stream=true')) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      const body = rateLimitBody();
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': retryAfter,
        'anthropic-ratelimit-input-tokens-limit': '50000',
        'anthropic-ratelimit-input-tokens-remaining': '0',
        'anthropic-ratelimit-input-tokens-reset': new Date(Date.now() + Number(retryAfter) * 1000).toISOString(),
        'request-id': 'req_demo_0000000000000000',
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
