import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** HTTP servers on 127.0.0.1 that a test starts; `closeAll` in afterEach also drops hung connections. */
export class HttpServers {
  private readonly servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
  /** The authorization header of every answered request, in order. */
  readonly authorizations: Array<string | undefined> = [];

  /** Every request of each server, as `<base> <path>`, in order. */
  readonly requests: string[] = [];

  /**
   * Answers every request with `status` (and a `location` header when given); `hang` accepts the
   * connection and never answers; `reset` drops the connection without a word.
   */
  async start(behaviour: { status: number; location?: string } | 'hang' | 'reset'): Promise<string> {
    let base = '';
    const server = createServer((req, res) => {
      this.requests.push(`${base} ${req.url}`);
      if (behaviour === 'hang') return;
      if (behaviour === 'reset') return void req.socket.destroy();
      const headers = { 'content-type': 'text/plain', ...(behaviour.location ? { location: behaviour.location } : {}) };
      res.writeHead(behaviour.status, headers).end(`status ${behaviour.status} for ${req.url}`);
      this.authorizations.push(req.headers.authorization);
    });
    const sockets = new Set<Socket>();
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    this.servers.push({ server, sockets });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return base;
  }

  /** A port nothing listens on: bound, then released. */
  async closedPort(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      this.servers.splice(0).map(({ server, sockets }) => {
        for (const s of sockets) s.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
    this.authorizations.length = 0;
    this.requests.length = 0;
  }
}
