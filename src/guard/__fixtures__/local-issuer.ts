/**
 * A stand-in for kparty's discovery endpoints, on loopback, with keys the test
 * controls: RFC 8414 metadata, a JWKS and an RFC 7662 introspection endpoint,
 * each answer replaceable, every request counted. Lets the guard's unit tests
 * sign tokens kparty would never issue (another typ, EdDSA, missing claims).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(alg: 'ES256' | 'EdDSA', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface LocalIssuer {
  issuer: string;
  /** Keys published in the JWKS (replace to rotate). */
  published: SigningKey[];
  /** Requests per path. */
  hits: Map<string, number>;
  /** Bodies the introspection endpoint received, with their Authorization header. */
  introspections: Array<{ authorization: string | undefined; contentType: string | undefined; body: string }>;
  /** Override the answer of a path (metadata, jwks, introspection). */
  override(path: string, handler: Handler | undefined): void;
  /** Whether introspection answers active (default true). */
  active: boolean;
  /** A token as kparty would mint it; `claims`/`header` change or (as undefined) remove members. */
  mint(options?: { key?: SigningKey; claims?: Record<string, unknown>; header?: Record<string, unknown> }): Promise<string>;
  close(): Promise<void>;
}

export const METADATA_PATH = '/.well-known/oauth-authorization-server';
export const JWKS_PATH = '/.well-known/jwks.json';
export const INTROSPECTION_PATH = '/v1/sessions/introspect';
export const AUDIENCE = 'https://orders.example.com';

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const overrides = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const introspections: LocalIssuer['introspections'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const override = overrides.get(path);
      if (override) return override(req, res, body);
      if (path === METADATA_PATH) {
        return json(res, 200, {
          issuer: local.issuer,
          jwks_uri: `${local.issuer}${JWKS_PATH}`,
          introspection_endpoint: `${local.issuer}${INTROSPECTION_PATH}`,
        });
      }
      if (path === JWKS_PATH) return json(res, 200, { keys: local.published.map((k) => k.publicJwk) });
      if (path === INTROSPECTION_PATH && req.method === 'POST') {
        introspections.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
        return json(res, 200, local.active ? { active: true } : { active: false });
      }
      json(res, 404, { error: 'not_found' });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const first = await signingKey('ES256', 'key-1');
  const local: LocalIssuer = {
    issuer: `http://127.0.0.1:${port}`,
    published: [first],
    hits,
    introspections,
    active: true,
    override: (path, handler) => (handler ? overrides.set(path, handler) : overrides.delete(path)),
    async mint(options = {}) {
      const key = options.key ?? local.published[0]!;
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        iss: local.issuer,
        sub: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        aud: AUDIENCE,
        iat: now,
        exp: now + 300,
        jti: crypto.randomUUID(),
        client_id: 'orders',
        scope: 'orders:read orders:write',
        policy: 'employee-portal',
        ...options.claims,
      };
      const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header };
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
      return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  return local;
}
