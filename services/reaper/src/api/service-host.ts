import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

export interface ListenOptions {
  /**
   * A request whose headers and body have not all arrived this long after it began is cut (408):
   * a client that stalls mid-body cannot hold a connection and its buffers for ever. Default 30 000 ms.
   */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Listens and resolves with the bound port (PORT=0 picks a free one) and address. */
export async function listen(app: Express, port: number, host: string, options: ListenOptions = {}): Promise<{ server: Server; port: number; address: string }> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      // How often Node looks for requests past their timeout; its default (30 s) would let a
      // stalled request live up to twice the timeout.
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    app,
  );
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port, address: typeof addr === 'object' && addr ? addr.address : host });
    });
  });
}

export async function closeServer(server: Server, force: boolean): Promise<void> {
  if (force) server.closeAllConnections();
  else server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
