/**
 * kparty in this process, for HTTP tests: the real composition root
 * (createKparty) and the real NestJS/Fastify app (createApp), configured from
 * an environment exactly as `node dist/main.js` would be, answering through
 * Fastify's `inject` (no sockets, no build). The app also listens on a
 * loopback port, for clients that must reach it over the network (a JWKS
 * fetched by jose, the downstream guard). Spawned-process tests, for what
 * only a process shows (start-up, signals, replicas), stay in test/e2e/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { createApp } from '../../src/api/create-app.js';
import { loadConfig } from '../../src/core/config.js';
import { createKparty, type Kparty } from '../../src/kparty.js';
import { freePort, TEST_ADMIN_KEY, type Reply, type RequestOptions, type StartOptions } from '../e2e/harness.js';

export { TEST_ADMIN_KEY, type Reply, type RequestOptions } from '../e2e/harness.js';

export interface InProcessKparty {
  baseUrl: string;
  dataDir: string;
  /** The composed core, for assertions that look behind the API. */
  kparty: Kparty;
  /** Every log line so far (JSON). */
  output(): string;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  stop(): Promise<void>;
}

/** Same name and environment rules as the spawned-process harness, so a test moves between the two by its import. */
export type RunningKparty = InProcessKparty;

/** The environment of a test kparty: a private SQLite file and port, then the test's overrides (undefined removes). */
function testEnv(dataDir: string, port: number, overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dataDir, 'kparty.db')}`,
    KPARTY_ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'warn',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

async function inject(app: NestFastifyApplication, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | Buffer | undefined = options.raw;
  if (payload === undefined && options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  const response = await app
    .getHttpAdapter()
    .getInstance()
    .inject({ method: method as 'GET', url: path, headers, ...(payload !== undefined ? { payload } : {}) });
  const replyHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) replyHeaders.append(name, String(one));
  }
  const text = response.body;
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, headers: replyHeaders, text, body };
}

/** Starts kparty in this process with the given environment (see above). */
export async function startKparty(options: StartOptions = {}): Promise<InProcessKparty> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kparty-http-'));
  const port = await freePort();
  const config = loadConfig(testEnv(dataDir, port, options.env ?? {}));
  let output = '';
  const logger = pino({ level: config.logLevel, base: { service: 'kparty' } }, { write: (line: string) => void (output += line) });
  const kparty = await createKparty(config, { logger });
  const app = await createApp(kparty, logger);
  await app.listen({ port, host: '127.0.0.1' });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    kparty,
    output: () => output,
    request: (method, path, requestOptions) => inject(app, method, path, requestOptions),
    async stop() {
      await app.close();
      await kparty.close();
      if (!options.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
