/**
 * Status-list publishing for tests: a real HTTP server on 127.0.0.1 that
 * serves lists (the "issuer's status host"), an in-memory Fetcher double for
 * unit tests, decompression bombs, and signers made from test identities.
 * Test traffic never leaves loopback.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, createDeflateRaw, gzipSync } from 'node:zlib';
import { FetchError, type FetchFailureReason, type FetchRequest, type FetchResponse, type Fetcher } from '../../src/core/ports/fetcher.js';
import type { StatusListSigner } from '../../src/status/issuing/index.js';
import type { TestIdentity } from './identities.js';

/** A status-list signer from a test identity (its did:key, verification method and private key). */
export async function signerOf(identity: TestIdentity): Promise<StatusListSigner> {
  return { did: identity.did, kid: identity.kid, alg: identity.alg, key: await identity.key() };
}

interface Published {
  body: string | Buffer;
  contentType: string;
  status: number;
}

/**
 * An issuer's status-list host on 127.0.0.1: publish a body at a path, count
 * requests per path, take it down (connections refused) and bring it back on
 * the same port.
 */
export class StatusListHost {
  readonly #published = new Map<string, Published>();
  readonly #hits = new Map<string, number>();
  #server: Server | undefined;
  #port = 0;

  /** Starts listening on 127.0.0.1 (an ephemeral port, or the one it had before {@link stop}). */
  async start(): Promise<this> {
    const server = createServer((request, response) => this.#answer(request, response));
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.#port, '127.0.0.1', () => ok());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Stops listening: fetches get "connection refused" until {@link start} is called again. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }

  get port(): number {
    return this.#port;
  }

  /** `127.0.0.1:<port>`, for KPARTY_OUTBOUND_ALLOW. */
  get hostPort(): string {
    return `127.0.0.1:${this.#port}`;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  publish(path: string, body: string | Buffer, contentType = 'application/vc+jwt', status = 200): void {
    this.#published.set(path, { body, contentType, status });
  }

  /** Requests received for `path` so far. */
  hits(path: string): number {
    return this.#hits.get(path) ?? 0;
  }

  #answer(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    this.#hits.set(path, this.hits(path) + 1);
    const published = this.#published.get(path);
    if (!published) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(published.status, { 'content-type': published.contentType }).end(published.body);
  }
}

/**
 * An in-memory {@link Fetcher} double: answers published URLs, fails others
 * with `http_status` (or a chosen reason), and counts calls per URL. It may
 * hold answers back until released, to observe single-flight fetching.
 */
export class FakeFetcher implements Fetcher {
  readonly #answers = new Map<string, { body: Uint8Array; contentType: string } | FetchFailureReason>();
  readonly #calls = new Map<string, number>();
  readonly requests: FetchRequest[] = [];
  #gate: Promise<void> | undefined;
  #release: (() => void) | undefined;

  publish(url: string, body: string | Uint8Array, contentType = 'application/vc+jwt'): this {
    this.#answers.set(url, { body: typeof body === 'string' ? Buffer.from(body) : body, contentType });
    return this;
  }

  fail(url: string, reason: FetchFailureReason = 'network'): this {
    this.#answers.set(url, reason);
    return this;
  }

  calls(url: string): number {
    return this.#calls.get(url) ?? 0;
  }

  /** Holds every answer until {@link release}. */
  hold(): void {
    this.#gate = new Promise((ok) => (this.#release = ok));
  }

  release(): void {
    this.#release?.();
    this.#gate = undefined;
  }

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    this.requests.push(request);
    this.#calls.set(request.url, this.calls(request.url) + 1);
    if (this.#gate) await this.#gate;
    const answer = this.#answers.get(request.url);
    if (answer === undefined) throw new FetchError('http_status', 'not found');
    if (typeof answer === 'string') throw new FetchError(answer, `fetch failed: ${answer}`);
    return { url: request.url, status: 200, headers: { 'content-type': answer.contentType }, body: answer.body };
  }
}

const MiB = 1024 * 1024;

/** One MiB of zeros as raw DEFLATE ending in a full flush: byte-aligned, history reset, so copies may follow copies. */
function zeroMebibyteBlocks(): Promise<Buffer> {
  return new Promise((resolve) => {
    const deflater = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    deflater.on('data', (chunk: Buffer) => out.push(chunk));
    deflater.write(Buffer.alloc(MiB));
    deflater.flush(constants.Z_FULL_FLUSH, () => {
      resolve(Buffer.concat(out));
      deflater.close();
    });
  });
}

/**
 * A valid compressed stream of `mebibytes` MiB of zeros, built without
 * compressing (or allocating) the whole: about 1 KiB per MiB (DEFLATE's
 * ceiling is ≈1032:1, so 1 GiB needs ≈1 MiB).
 * - `zlib` (IETF Token Status List `lst`): a ZLIB header, the same
 *   full-flushed 1 MiB block sequence repeated, a final empty block and the
 *   Adler-32 of the zeros (a = 1, b = length mod 65521).
 * - `gzip` (W3C `encodedList`): `mebibytes` GZIP members of 1 MiB of zeros
 *   each, which RFC 1952 §2.2 allows and every gunzip reads in sequence.
 */
export async function zeroBomb(format: 'gzip' | 'zlib', mebibytes: number): Promise<Buffer> {
  if (format === 'gzip') return Buffer.concat(Array<Buffer>(mebibytes).fill(gzipSync(Buffer.alloc(MiB), { level: 9 })));
  const blocks = await zeroMebibyteBlocks();
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((mebibytes * MiB) % 65521) * 65536 + 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(mebibytes).fill(blocks), Buffer.from([0x03, 0x00]), adler]);
}
