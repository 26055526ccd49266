/**
 * A loopback reverse proxy that counts the requests passing through it, per
 * method and path. Started before kparty so kparty's KPARTY_ISSUER can name it:
 * then every URL in kparty's metadata (jwks_uri, introspection_endpoint) leads
 * through the proxy, and a test can count exactly what a downstream guard fetched.
 */
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Where requests go, e.g. kparty's base URL; set once kparty is up. */
  target: string | undefined;
  /** How many `METHOD /path` requests went through (query strings ignored). */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const proxy: CountingProxy = {
    url: '',
    target: undefined,
    count: (method, path) => counts.get(`${method} ${path}`) ?? 0,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const key = `${req.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!proxy.target) {
      res.writeHead(502).end('no target');
      return;
    }
    const target = new URL(req.url ?? '/', proxy.target);
    const upstream = forward(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('upstream failed'));
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
