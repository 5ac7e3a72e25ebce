import type { Server } from 'node:http';
import type { Express } from 'express';

/** Listens and resolves with the bound port (PORT=0 picks a free one) and address. */
export async function listen(app: Express, port: number, host: string): Promise<{ server: Server; port: number; address: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port, address: typeof addr === 'object' && addr ? addr.address : host });
    });
    server.on('error', reject);
  });
}

export async function closeServer(server: Server, force: boolean): Promise<void> {
  if (force) server.closeAllConnections();
  else server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
