/**
 * did:web issuers for tests: an Ed25519 identity whose DID is a did:web and
 * whose DID document is served by a loopback HTTP server (allow-listed in
 * KPARTY_OUTBOUND_ALLOW), with the key as `<did>#key-1` (JsonWebKey2020,
 * publicKeyJwk), the way did:web issuers publish it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveOnLoopback, type LoopbackServer } from '../net/loopback-server.js';
import { ed25519Identity, type TestIdentity } from './identities.js';

export interface DidWebIdentity extends TestIdentity {
  /** The DID document to serve. */
  document: Record<string, unknown>;
}

/** An Ed25519 identity named `did`, with its DID document. */
export function didWebIdentity(did: string): DidWebIdentity {
  const base = ed25519Identity();
  const kid = `${did}#key-1`;
  return {
    ...base,
    did,
    kid,
    document: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: did,
      verificationMethod: [{ id: kid, type: 'JsonWebKey2020', controller: did, publicKeyJwk: base.publicJwk }],
      authentication: [kid],
      assertionMethod: [kid],
    },
  };
}

/** What the host answers on one path. */
export interface HostedDocument {
  body: unknown;
  status?: number;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface DidWebHost extends LoopbackServer {
  /** `did:web:127.0.0.1%3A<port>` followed by `:segment` for each path segment given. */
  didFor(...segments: string[]): string;
  /** Serves `document` at the did:web location of `did` (`/.well-known/did.json` or `/<path>/did.json`). */
  publish(did: string, document: HostedDocument): void;
  /** Requests received per path. */
  hits(path: string): number;
}

/** The path a did:web DID of this host is served at. */
function pathOf(did: string): string {
  const segments = did.split(':').slice(3);
  return segments.length === 0 ? '/.well-known/did.json' : `/${segments.join('/')}/did.json`;
}

/** A did:web host on a free loopback port; unknown paths answer 404. */
export async function serveDidWebHost(): Promise<DidWebHost> {
  const documents = new Map<string, HostedDocument>();
  const hits = new Map<string, number>();
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const hosted = documents.get(path);
    if (!hosted) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const text = JSON.stringify(hosted.body);
    response.writeHead(hosted.status ?? 200, {
      'content-type': hosted.contentType ?? 'application/did+json',
      'content-length': Buffer.byteLength(text),
      ...hosted.headers,
    });
    response.end(text);
  };
  const server = await serveOnLoopback(handler);
  return Object.assign(server, {
    didFor: (...segments: string[]) => [`did:web:127.0.0.1%3A${server.port}`, ...segments].join(':'),
    publish: (did: string, document: HostedDocument) => void documents.set(pathOf(did), document),
    hits: (path: string) => hits.get(path) ?? 0,
  });
}
