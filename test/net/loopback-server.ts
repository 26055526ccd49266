/**
 * HTTP servers on loopback for the outbound-fetch tests: each counts the TCP
 * connections it accepted (a canary asserts zero) and records the requests
 * it answered. Tests never send traffic anywhere else.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface LoopbackServer {
  host: string;
  port: number;
  /** `host:port`, the KPARTY_OUTBOUND_ALLOW form. */
  authority: string;
  /** `http://host:port` (or https). */
  origin: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Requests received so far, with their headers. */
  readonly requests: Array<{ url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export interface ServeOptions {
  host?: string;
  port?: number;
  tls?: { key: string; cert: string };
}

const refuseAll: Handler = (_request, response) => {
  response.writeHead(500).end('canary: must never be contacted');
};

/** Starts a server on `host` (127.0.0.1 by default) and a free port, or the port given. */
export async function serveOnLoopback(handler: Handler = refuseAll, options: ServeOptions = {}): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: LoopbackServer['requests'] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const listener: Handler = (request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    handler(request, response);
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
  // Every accepted TCP connection counts, whether or not a request (or a TLS handshake) follows.
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const authority = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    host,
    port: address.port,
    authority,
    origin: `${options.tls ? 'https' : 'http'}://${authority}`,
    get connections() {
      return connections;
    },
    requests,
    close: () =>
      new Promise<void>((ok) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => ok());
      }),
  };
}

/** A canary: any connection to it means an outbound check failed. */
export function serveCanary(options: ServeOptions = {}): Promise<LoopbackServer> {
  return serveOnLoopback(refuseAll, options);
}

/** Answers every request with `body` as JSON (status 200 unless told). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Handler {
  const text = JSON.stringify(body);
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    response.end(text);
  };
}
