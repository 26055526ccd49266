/**
 * Time and size limits of the guarded fetcher against hostile loopback
 * servers: a slow drip is cut at the deadline, a 5 MB body and decompression
 * bombs are cut at the byte cap, with memory bounded.
 *
 * Durations asserted here are bounds on behaviour (the fetch ends long before
 * the server would have), not performance measurements.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { GuardedFetcher } from '../../src/net/guarded-fetcher.js';
import { expectFetchFailure } from './fetch-failure.js';
import { serveOnLoopback, type Handler, type LoopbackServer } from './loopback-server.js';

const MiB = 1024 * 1024;
const TIMEOUT_MS = 500;
const UNHURRIED_MS = 10_000;
const CAP = MiB;

/** How long `run` took, in ms. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Writes `chunk` up to `times` times, honouring backpressure, until the client goes away; reports bytes written. */
function stream(chunk: Buffer, times: number, headers: Record<string, string>, written: { bytes: number }): Handler {
  return (_request, response) => {
    response.writeHead(200, headers);
    let sent = 0;
    const pump = (): void => {
      while (sent < times && !response.destroyed) {
        sent++;
        written.bytes += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      if (sent >= times) response.end();
    };
    response.once('close', () => (sent = times));
    pump();
  };
}

describe('GuardedFetcher: limits', () => {
  const servers: LoopbackServer[] = [];
  const serve = async (handler: Handler): Promise<LoopbackServer> => {
    const server = await serveOnLoopback(handler);
    servers.push(server);
    return server;
  };
  const fetcherFor = (server: { authority: string }, limits: { timeoutMs?: number; maxBytes?: number } = {}): GuardedFetcher =>
    // Tests of sizes and encodings get a deadline far from what they test: on a loaded machine a 2 KB answer once took over 500 ms.
    new GuardedFetcher({ timeoutMs: limits.timeoutMs ?? UNHURRIED_MS, maxBytes: limits.maxBytes ?? CAP, allow: new Set([server.authority]) });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  describe('time', () => {
    it('cuts a body that drips one byte every 200 ms at the deadline (timeout)', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const drip = setInterval(() => response.write(' '), 200);
        response.once('close', () => clearInterval(drip));
      });
      const took = await timed(() =>
        expectFetchFailure(fetcherFor(server, { timeoutMs: TIMEOUT_MS }).fetch({ url: `${server.origin}/`, accept: [] }), 'timeout'),
      );
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(took).toBeLessThan(TIMEOUT_MS + 1500);
    });

    it('cuts headers that drip one byte every 200 ms (timeout), the deadline covering the whole exchange', async () => {
      const sockets = new Set<Socket>();
      const raw: Server = createServer((socket) => {
        sockets.add(socket);
        const head = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{}';
        let i = 0;
        const drip = setInterval(() => (i < head.length ? socket.write(head[i++] as string) : clearInterval(drip)), 200);
        socket.once('close', () => clearInterval(drip));
        socket.on('error', () => undefined);
      });
      await new Promise<void>((ok) => raw.listen(0, '127.0.0.1', ok));
      const port = (raw.address() as { port: number }).port;
      try {
        const took = await timed(() =>
          expectFetchFailure(
            fetcherFor({ authority: `127.0.0.1:${port}` }, { timeoutMs: TIMEOUT_MS }).fetch({ url: `http://127.0.0.1:${port}/`, accept: [] }),
            'timeout',
          ),
        );
        expect(took).toBeLessThan(TIMEOUT_MS + 1500);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((ok) => raw.close(ok));
      }
    });

    it('times out a server that accepts and never answers, and a resolver that never answers', async () => {
      const silent = await serve(() => undefined);
      await expectFetchFailure(fetcherFor(silent, { timeoutMs: TIMEOUT_MS }).fetch({ url: `${silent.origin}/`, accept: [] }), 'timeout');
      const hanging = new GuardedFetcher({ timeoutMs: TIMEOUT_MS, maxBytes: CAP, allow: new Set(), resolveHost: () => new Promise(() => undefined) });
      await expectFetchFailure(hanging.fetch({ url: 'https://never.example.com/', accept: [] }), 'timeout');
    });

    it('honours a lower per-request timeout and never a higher one', async () => {
      const silent = await serve(() => undefined);
      const took = await timed(() =>
        expectFetchFailure(fetcherFor(silent, { timeoutMs: 5000 }).fetch({ url: `${silent.origin}/`, accept: [], timeoutMs: 200 }), 'timeout'),
      );
      expect(took).toBeLessThan(2000);
      const capped = await timed(() =>
        expectFetchFailure(fetcherFor(silent, { timeoutMs: 200 }).fetch({ url: `${silent.origin}/`, accept: [], timeoutMs: 60_000 }), 'timeout'),
      );
      expect(capped).toBeLessThan(2000);
    });
  });

  describe('size', () => {
    const FIVE_MB = Buffer.alloc(5 * MiB, 0x20);

    it('refuses a 5 MB body announced by Content-Length without reading it (too_large)', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': FIVE_MB.length });
        response.end(FIVE_MB);
      });
      await expectFetchFailure(fetcherFor(server).fetch({ url: `${server.origin}/`, accept: [] }), 'too_large');
    });

    it('cuts a 5 MB body sent without Content-Length (chunked) at the cap (too_large)', async () => {
      const written = { bytes: 0 };
      const server = await serve(stream(Buffer.alloc(64 * 1024, 0x20), 80, { 'content-type': 'application/json' }, written));
      await expectFetchFailure(fetcherFor(server).fetch({ url: `${server.origin}/`, accept: [] }), 'too_large');
      expect(written.bytes).toBeGreaterThan(CAP); // it was really sent, not refused up front
    });

    it('accepts a body of exactly the cap and refuses one byte more', async () => {
      const server = await serve((request, response) => {
        const size = request.url === '/over' ? 1001 : 1000;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(Buffer.alloc(size, 0x20));
      });
      const response = await fetcherFor(server, { maxBytes: 1000 }).fetch({ url: `${server.origin}/exact`, accept: [] });
      expect(response.body.length).toBe(1000);
      await expectFetchFailure(fetcherFor(server, { maxBytes: 1000 }).fetch({ url: `${server.origin}/over`, accept: [] }), 'too_large');
    });

    it('honours a lower per-request cap and never a higher one', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(Buffer.alloc(2000, 0x20));
      });
      await expectFetchFailure(fetcherFor(server).fetch({ url: `${server.origin}/`, accept: [], maxBytes: 1999 }), 'too_large');
      await expectFetchFailure(fetcherFor(server, { maxBytes: 1999 }).fetch({ url: `${server.origin}/`, accept: [], maxBytes: 10 * MiB }), 'too_large');
    });

    it.each([[Number.NaN], [0], [-1], [Number.POSITIVE_INFINITY]])('ignores a per-request cap of %p, keeping the configured one', async (maxBytes) => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(Buffer.alloc(2000, 0x20));
      });
      await expectFetchFailure(fetcherFor(server, { maxBytes: 1999 }).fetch({ url: `${server.origin}/`, accept: [], maxBytes }), 'too_large');
    });
  });

  describe('decompression', () => {
    /** 1 MiB of zeros as one gzip member (~1 KB); members concatenate into one valid gzip body. */
    let gzipMember: Buffer;
    let deflateBomb: Buffer;
    let brotliBomb: Buffer;

    beforeAll(() => {
      gzipMember = gzipSync(Buffer.alloc(MiB), { level: 9 });
      deflateBomb = deflateSync(Buffer.alloc(16 * MiB), { level: 9 });
      brotliBomb = brotliCompressSync(Buffer.alloc(16 * MiB), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    });

    it('reads a gzip body that inflates within the cap', async () => {
      const document = Buffer.from(JSON.stringify({ id: 'did:web:example.com', padding: 'x'.repeat(10_000) }));
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end(gzipSync(document));
      });
      const response = await fetcherFor(server).fetch({ url: `${server.origin}/`, accept: ['application/json'] });
      expect(Buffer.from(response.body).equals(document)).toBe(true);
    });

    it('cuts a gzip bomb (100 GB of zeros, streamed) at the cap, quickly and with bounded memory (too_large)', async () => {
      const written = { bytes: 0 };
      const members = 100 * 1024; // × 1 MiB each
      const server = await serve(stream(gzipMember, members, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, written));
      const memoryBefore = process.memoryUsage();
      const took = await timed(() =>
        expectFetchFailure(fetcherFor(server, { timeoutMs: 10_000 }).fetch({ url: `${server.origin}/`, accept: [] }), 'too_large'),
      );
      const memoryAfter = process.memoryUsage();
      await new Promise((ok) => setTimeout(ok, 100));
      // Cut well before the deadline, having read a few compressed KB of ~100 MB.
      expect(took).toBeLessThan(5000);
      expect(written.bytes).toBeLessThan((gzipMember.length * members) / 5);
      const grown = memoryAfter.heapUsed + memoryAfter.arrayBuffers - (memoryBefore.heapUsed + memoryBefore.arrayBuffers);
      expect(grown).toBeLessThan(64 * MiB);
    });

    it.each([
      ['deflate', () => deflateBomb],
      ['br', () => brotliBomb],
      ['x-gzip', () => Buffer.concat(Array.from({ length: 16 }, () => gzipMember))],
    ])('cuts a %s bomb of 16 MiB at the cap although its Content-Length is small (too_large)', async (encoding, bomb) => {
      const body = bomb();
      expect(body.length).toBeLessThan(CAP);
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': body.length });
        response.end(body);
      });
      await expectFetchFailure(fetcherFor(server).fetch({ url: `${server.origin}/`, accept: [] }), 'too_large');
    });

    it.each([['gzip, gzip'], ['compress'], ['zstd'], ['gzip;q=1']])('refuses the content encoding %j (content_type)', async (encoding) => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
        response.end(gzipSync(gzipSync(Buffer.from('{}'))));
      });
      await expectFetchFailure(fetcherFor(server).fetch({ url: `${server.origin}/`, accept: [] }), 'content_type');
    });

    it('answers network for a corrupt gzip body', async () => {
      const server = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end(Buffer.from('this is not gzip at all'));
      });
      await expectFetchFailure(fetcherFor(server).fetch({ url: `${server.origin}/`, accept: [] }), 'network');
    });
  });

  afterAll(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
});
