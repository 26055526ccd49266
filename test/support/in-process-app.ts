/**
 * kparty's real HTTP stack (NestJS on Fastify, every hook and filter) in this
 * process, listening on a loopback port — no build, no spawned process, so
 * hundreds of hostile requests run in seconds and the test can read the
 * server's own memory. (Fastify's `inject` cannot load under Jest's ESM VM.) Storage is the
 * memory adapter unless a test passes another; time is the system clock unless
 * a test passes a fixed one.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { createApp } from '../../src/api/create-app.js';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import type { Storage } from '../../src/core/ports/storage.js';
import { createKparty, type Kparty } from '../../src/kparty.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';

export const IN_PROCESS_ADMIN_KEY = 'in-process-operator-key-0123456789abcdef0123';

export interface InjectReply {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface InProcessKparty {
  kparty: Kparty;
  baseUrl: string;
  app: NestFastifyApplication;
  request(method: string, url: string, options?: { body?: unknown; raw?: string; key?: string; headers?: Record<string, string> }): Promise<InjectReply>;
  close(): Promise<void>;
}

export async function startInProcess(options: { env?: Record<string, string>; storage?: Storage; clock?: Clock } = {}): Promise<InProcessKparty> {
  const config = loadConfig({ KPARTY_ADMIN_KEY: IN_PROCESS_ADMIN_KEY, KPARTY_RATE_LIMIT: '0', DATABASE_URL: 'sqlite:/nonexistent/unused.db', ...options.env });
  const logger = pino({ level: 'silent' });
  const kparty = await createKparty(config, { logger, storage: options.storage ?? createMemoryStorage(), ...(options.clock ? { clock: options.clock } : {}) });
  const app = await createApp(kparty, logger, { openApi: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    kparty,
    baseUrl,
    app,
    async request(method, url, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      let payload: string | undefined = requestOptions.raw;
      if (payload === undefined && requestOptions.body !== undefined) {
        payload = JSON.stringify(requestOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      if (requestOptions.key !== undefined) headers.authorization = `Bearer ${requestOptions.key}`;
      const reply = await fetch(`${baseUrl}${url}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await reply.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: reply.status, headers: Object.fromEntries(reply.headers), text, body };
    },
    async close() {
      await app.close();
      await kparty.close();
    },
  };
}
