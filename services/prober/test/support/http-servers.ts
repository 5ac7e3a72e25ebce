import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** HTTP servers on 127.0.0.1 that a test starts; `closeAll` in afterEach also drops hung connections. */
export class HttpServers {
  private readonly servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
  /** The authorization header of every answered request, in order. */
  readonly authorizations: Array<string | undefined> = [];

  /** Answers every request with `status`; `hang` accepts the connection and never answers. */
  async start(behaviour: { status: number } | 'hang'): Promise<string> {
    const server = createServer((req, res) => {
      if (behaviour === 'hang') return;
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end(`status ${behaviour.status} for ${req.url}`);
      this.authorizations.push(req.headers.authorization);
    });
    const sockets = new Set<Socket>();
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    this.servers.push({ server, sockets });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  }
}
