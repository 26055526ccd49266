import { describe, expect, it } from '@jest/globals';
import type { Oid4vpRequestRecord } from '../../core/model/oid4vp-request.js';
import type { Storage } from '../../core/ports/storage.js';
import { T0 } from './fixtures.js';

function request(id: string, overrides: Partial<Oid4vpRequestRecord> = {}): Oid4vpRequestRecord {
  return {
    id,
    owner: 'acme',
    policyId: 'employee-portal',
    flow: 'cross_device',
    responseMode: 'direct_post.jwt',
    clientId: 'decentralized_identifier:did:web:kparty.example',
    nonce: 'n'.repeat(43),
    state: 's'.repeat(43),
    responseUri: `https://kparty.example/v1/oid4vp/responses/${id}`,
    responseEncryptionKey: {
      sealedPrivateJwk: '{"kty":"EC","crv":"P-256","x":"x","y":"y","d":"d"}',
      publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' },
      thumbprint: 't',
    },
    status: 'pending',
    createdAt: T0,
    expiresAt: T0 + 300_000,
    purgeAt: T0 + 600_000,
    version: 1,
    ...overrides,
  };
}

export function describeOid4vpRequestStoreContract(current: () => Storage): void {
  describe('OpenID4VP requests (Oid4vpRequestStore)', () => {
    it('round-trips a record, every optional member included, and answers null for an unknown id', async () => {
      const record = request('r1', {
        redirectUri: 'https://rp.example/done',
        callbackUrl: 'https://rp.example/hook',
        dpopJkt: 'jkt',
        flow: 'same_device',
        errors: [{ code: 'credential.expired', path: 'credentials[0]', detail: 'ünïcødé' }],
      });
      await current().oid4vpRequests.create(record);
      await expect(current().oid4vpRequests.get('r1')).resolves.toEqual(record);
      await expect(current().oid4vpRequests.get('r2')).resolves.toBeNull();
    });

    it('refuses a second record with the same id', async () => {
      await current().oid4vpRequests.create(request('dup'));
      await expect(current().oid4vpRequests.create(request('dup'))).rejects.toBeDefined();
    });

    it('replace is compare-and-set on the version: a stale version or a skipped version changes nothing', async () => {
      await current().oid4vpRequests.create(request('cas'));
      await expect(current().oid4vpRequests.replace(request('cas', { status: 'fetched', version: 2 }), 1)).resolves.toBe(true);
      await expect(current().oid4vpRequests.replace(request('cas', { status: 'cancelled', version: 2 }), 1)).resolves.toBe(false);
      await expect(current().oid4vpRequests.replace(request('cas', { status: 'cancelled', version: 4 }), 2)).resolves.toBe(false);
      await expect(current().oid4vpRequests.replace(request('gone', { version: 2 }), 1)).resolves.toBe(false);
      expect((await current().oid4vpRequests.get('cas'))?.status).toBe('fetched');
    });

    it('of ten concurrent replacements of one version exactly one wins', async () => {
      await current().oid4vpRequests.create(request('race'));
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => current().oid4vpRequests.replace(request('race', { status: 'responding', nonce: `w${i}`, version: 2 }), 1)),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect((await current().oid4vpRequests.get('race'))?.nonce).toBe(`w${winner}`);
    });

    it('purgeExpired deletes records with purgeAt <= now (their keys with them), counts them and keeps the rest', async () => {
      await current().oid4vpRequests.create(request('p1', { purgeAt: T0 + 100 }));
      await current().oid4vpRequests.create(request('p2', { purgeAt: T0 + 200 }));
      await current().oid4vpRequests.create(request('p3', { purgeAt: T0 + 300 }));
      // A replacement that moves purgeAt later keeps the record past its first purge time.
      await current().oid4vpRequests.replace(request('p2', { purgeAt: T0 + 900, version: 2 }), 1);
      await expect(current().oid4vpRequests.purgeExpired(T0 + 200)).resolves.toBe(1);
      await expect(current().oid4vpRequests.get('p1')).resolves.toBeNull();
      await expect(current().oid4vpRequests.get('p2')).resolves.not.toBeNull();
      await expect(current().oid4vpRequests.purgeExpired(T0 + 1000)).resolves.toBe(2);
      await expect(current().oid4vpRequests.get('p3')).resolves.toBeNull();
    });

    it('stores hostile text in members as opaque data', async () => {
      const odd = 'quote\'"; DROP TABLE oid4vp_requests; -- |7|{';
      await current().oid4vpRequests.create(request('odd', { state: odd, policyId: '\u{1F511}'.repeat(50) }));
      expect((await current().oid4vpRequests.get('odd'))?.state).toBe(odd);
    });
  });
}
