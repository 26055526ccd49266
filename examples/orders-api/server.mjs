// Orders API: a downstream service that accepts kparty session tokens and
// nothing else, on bare node:http — no framework needed. It imports the
// guard by its package name (kparty/guard); in this repository that resolves
// to dist/guard/ (run `npm run build` first).
//
//   ISSUER=http://localhost:8080 AUDIENCE=https://orders.example.com node examples/orders-api/server.mjs
//
// Environment:
//   ISSUER              kparty's KPARTY_ISSUER (required)
//   AUDIENCE            this API's identifier: the `audience` of the kparty policy (required)
//   PORT                default 3000 (0 picks a free port)
//   HOST                default 127.0.0.1
//   KPARTY_CLIENT_KEY   the relying party's kparty API key: when set, every token is also
//                       introspected, so a revoked token is refused at once
import { createServer } from 'node:http';
import { kpartyMiddleware } from 'kparty/guard';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`orders-api: set ${name}`);
    process.exit(1);
  }
  return value;
}

const guardOptions = {
  issuer: required('ISSUER'),
  audience: required('AUDIENCE'),
  ...(process.env.KPARTY_CLIENT_KEY ? { introspection: { clientKey: process.env.KPARTY_CLIENT_KEY } } : {}),
  // Why kparty could not be asked is for our logs; the caller only sees 503.
  onRefusal: (refusal, cause) => {
    if (refusal.status === 503) console.error(`orders-api: cannot verify tokens: ${cause.message}`);
  },
};

// One middleware per set of required scopes; they share the process-wide JWKS cache.
const canRead = kpartyMiddleware({ ...guardOptions, scopes: ['orders:read'] });
const canWrite = kpartyMiddleware({ ...guardOptions, scopes: ['orders:write'] });

const orders = [{ id: 'o-1001', item: 'Coffee beans, 1 kg', status: 'shipped' }];

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Runs a middleware, then the handler; an unexpected error becomes a bare 500. */
function guarded(middleware, handler) {
  return (req, res) =>
    middleware(req, res, (error) => {
      if (error) {
        console.error('orders-api: unexpected error', error);
        return send(res, 500, { error: 'internal' });
      }
      handler(req, res);
    });
}

const routes = {
  'GET /healthz': (_req, res) => send(res, 200, { status: 'ok' }),
  // req.kparty holds the verified claims: sub (the holder's DID), scope, policy, and the claims the policy maps.
  'GET /orders': guarded(canRead, (req, res) => send(res, 200, { customer: req.kparty.sub, email: req.kparty.email, orders })),
  'POST /orders': guarded(canWrite, (req, res) => {
    const order = { id: `o-${1000 + orders.length + 1}`, item: 'Tea, 500 g', status: 'new', by: req.kparty.sub };
    orders.push(order);
    send(res, 201, order);
  }),
};

const server = createServer((req, res) => {
  const route = routes[`${req.method} ${new URL(req.url ?? '/', 'http://orders').pathname}`];
  if (route) route(req, res);
  else send(res, 404, { error: 'not_found' });
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(
    `orders-api listening on http://${address}:${port} (issuer ${guardOptions.issuer}, audience ${guardOptions.audience}${guardOptions.introspection ? ', introspection on' : ''})`,
  );
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
