/**
 * Two kparty instances (each with its own storage connections, as two
 * replicas) sharing PostgreSQL — and PostgreSQL + Redis — race to take one
 * authorization response: exactly one wins, the other answers 410.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Storage } from '../../src/core/ports/storage.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { withRedis } from '../../src/storage/with-redis.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, p256Identity } from '../support/identities.js';
import { startInProcessKparty, trustingPolicy, type InProcessKparty } from '../support/oid4vp-kparty.js';
import { resolveRequest } from '../support/oid4vp-wallet.js';
import {
  createTestSchema,
  deleteRedisKeys,
  openRedisTestPorts,
  testRedisPrefix,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  type TestSchema,
} from '../support/servers.js';

const issuer = ed25519Identity();
const holder = p256Identity();

for (const withRedisPorts of [false, true]) {
  describe(`two replicas on PostgreSQL${withRedisPorts ? ' + Redis' : ''}`, () => {
    let schema: TestSchema;
    const prefix = testRedisPrefix();
    let a: InProcessKparty;
    let b: InProcessKparty;

    async function storage(): Promise<Storage> {
      const base = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name });
      return withRedisPorts ? withRedis(base, await openRedisTestPorts(TEST_REDIS_URL, prefix)) : base;
    }

    beforeAll(async () => {
      schema = await createTestSchema();
      a = await startInProcessKparty({}, { storage: await storage() });
      b = await startInProcessKparty({}, { storage: await storage() });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await schema.drop();
      if (withRedisPorts) await deleteRedisKeys(prefix);
    });

    it('one response wins across two processes; both then show the same outcome', async () => {
      const rpKey = await a.relyingParty('acme');
      expect((await a.request('PUT', '/v1/admin/policies/employee', { key: rpKey, body: trustingPolicy('employee', issuer.did) })).status).toBe(201);
      const created = await a.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'employee', responseMode: 'direct_post' } });
      expect(created.status).toBe(201);
      // The wallet fetches through replica B.
      const request = await resolveRequest(created.body.requestUri.replace(a.baseUrl.replace('http://', ''), b.baseUrl.replace('http://', '')));
      const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: request.payload.nonce, aud: request.payload.client_id });
      const fields = new URLSearchParams({ vp_token: JSON.stringify({ employee: [vp] }), state: request.payload.state! }).toString();
      const post = (replica: InProcessKparty) =>
        replica.request('POST', `/v1/oid4vp/responses/${created.body.id}`, { raw: fields, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const replies = await Promise.all([post(a), post(b), post(a), post(b)]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 410, 410, 410]);
      const fromB = await b.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
      expect(fromB.body.status).toBe('verified');
      expect(fromB.body.result.holder).toBe(holder.did);
      const fromA = await a.request('GET', `/v1/oid4vp/requests/${created.body.id}`, { key: rpKey });
      expect(fromA.body.status).toBe('verified');
      expect(fromA.body.result).toBeUndefined();
    });
  });
}
