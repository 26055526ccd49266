/**
 * An in-process kparty listening on a real loopback port, for OpenID4VP tests
 * whose wallet (another library) fetches request objects and posts responses
 * over HTTP. Its issuer is http://localhost:<port>: an x509_san_dns
 * certificate names a DNS name, not an IP address.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { createApp } from '../../src/api/create-app.js';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Storage } from '../../src/core/ports/storage.js';
import { createKparty, type Kparty } from '../../src/kparty.js';
import { createMemoryStorage } from '../../src/storage/memory/index.js';
import { employeePolicy } from '../e2e/policies.js';
import { freePort, request, TEST_ADMIN_KEY, type Reply, type RequestOptions } from '../e2e/harness.js';

export interface InProcessKparty {
  baseUrl: string;
  kparty: Kparty;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  /** Registers a relying party (with optional members the record may carry) and returns its API key. */
  relyingParty(id: string, extras?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startInProcessKparty(env: Record<string, string> = {}, options: { clock?: Clock; storage?: Storage } = {}): Promise<InProcessKparty> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const config = loadConfig({
    PORT: String(port),
    KPARTY_ISSUER: baseUrl,
    KPARTY_ADMIN_KEY: TEST_ADMIN_KEY,
    KPARTY_RATE_LIMIT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const storage = options.storage ?? createMemoryStorage();
  const kparty = await createKparty(config, { logger: silentLogger, storage, ...(options.clock ? { clock: options.clock } : {}) });
  const app: NestFastifyApplication = await createApp(kparty, pino({ level: 'silent' }));
  await app.listen({ port, host: 'localhost' });
  return {
    baseUrl,
    kparty,
    request: (method, path, opts) => request(baseUrl, method, path, opts),
    relyingParty: async (id, extras = {}) => {
      // The first relying party owns the test policies' audience (https://orders.example.com); others get their own.
      const audiences =
        (extras.audiences as string[] | undefined) ??
        ((await storage.relyingParties.findByAudience('https://orders.example.com')) === null ? ['https://orders.example.com'] : [`https://${id}.example.com`]);
      const created = await kparty.relyingParties.create({ id, name: `RP ${id}`, ...extras, audiences });
      return created.apiKey;
    },
    close: async () => {
      await app.close();
      await kparty.close();
    },
  };
}

/** The employee policy (test/e2e/policies.ts) trusting `issuerDid`. */
export function trustingPolicy(id: string, issuerDid: string): Record<string, unknown> {
  const base = employeePolicy(id);
  return { ...base, credentials: [{ ...(base.credentials as Array<Record<string, unknown>>)[0], trustedIssuers: [issuerDid] }] };
}
