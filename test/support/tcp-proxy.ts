/**
 * A TCP proxy on loopback between kparty and a real server (PostgreSQL), to
 * cut and restore the connection: `cut()` resets every open connection and
 * stops listening (new connections are refused, as when the server is down),
 * `restore()` listens again on the same port. A real fault of the connection
 * without stopping the machine's shared server, which other tests use.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freeLoopbackPort } from './servers.js';

export interface TcpProxy {
  port: number;
  /** Resets every proxied connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts and forwards connections again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const port = await freeLoopbackPort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const listening = createServer((client) => {
        track(client);
        const upstream = connect(targetPort, targetHost);
        track(upstream);
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => resolve());
      server = listening;
    });

  const cut = async (): Promise<void> => {
    const stopping = server;
    server = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    if (stopping) await new Promise<void>((resolve) => stopping.close(() => resolve()));
  };

  await listen();
  return {
    port,
    cut,
    restore: async () => {
      if (!server) await listen();
    },
    close: cut,
  };
}
