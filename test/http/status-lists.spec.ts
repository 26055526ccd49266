/**
 * Credential status end to end: the built service fetches status lists from
 * an issuer's status host on 127.0.0.1 (allowed with KPARTY_OUTBOUND_ALLOW)
 * through its guarded fetcher. Lists are published by kparty's issuing
 * helper (src/status/issuing) and by @digitalbazaar/vc-bitstring-status-list;
 * credentials and presentations are made by did-jwt-vc.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { createCredential, createList } from '@digitalbazaar/vc-bitstring-status-list';
import { BitstringStatusListBuilder, bitstringStatusEntry, issueW3cStatusListCredential } from '../../src/status/issuing/index.js';
import { issueJwtVc, presentJwtVp } from '../support/credentials.js';
import { ed25519Identity, type TestIdentity } from '../support/identities.js';
import { StatusListHost, signerOf, zeroBomb } from '../support/status-lists.js';
import { startKparty, TEST_ADMIN_KEY, type Reply, type RunningKparty } from './harness.js';
import { employeePolicy } from '../e2e/policies.js';
import { expectProblem } from '../e2e/problem.js';

const issuer = ed25519Identity();
const holder = ed25519Identity();
const stranger = ed25519Identity();

interface ListOptions {
  by?: TestIdentity;
  purpose?: string;
  set?: number[];
  entries?: number;
  ttlMs?: number;
  statusList2021?: boolean;
}

describe('credential status lists (built service, lists on a loopback status host)', () => {
  let host: StatusListHost;
  let kparty: RunningKparty;

  /** Publishes a signed list at `path` and returns its URL. */
  const publishList = async (path: string, options: ListOptions = {}): Promise<string> => {
    const list = new BitstringStatusListBuilder(options.entries !== undefined ? { entries: options.entries } : {});
    for (const index of options.set ?? []) list.set(index, true);
    const url = host.url(path);
    const jwt = await issueW3cStatusListCredential({
      url,
      list,
      purpose: options.purpose ?? 'revocation',
      signer: await signerOf(options.by ?? issuer),
      validFrom: new Date(Date.now() - 60_000),
      ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}),
      ...(options.statusList2021 ? { statusList2021: true } : {}),
    });
    host.publish(path, jwt, 'application/vc+jwt');
    return url;
  };

  const entry = (url: string, index: number, purpose = 'revocation', statusList2021 = false): Record<string, unknown> =>
    bitstringStatusEntry({ url, index, purpose, statusList2021 });

  /** Presents one credential carrying `credentialStatus` to `policy`. */
  const present = async (credentialStatus: unknown, policy = 'status-required'): Promise<Reply> => {
    const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy } });
    expect(challenge.status).toBe(201);
    const vc = await issueJwtVc(issuer, holder.did, { credentialStatus });
    const vp = await presentJwtVp(holder, [vc], { nonce: challenge.body.challenge, aud: challenge.body.domain });
    return kparty.request('POST', '/v1/presentations/verify', { body: { policy, presentation: vp } });
  };

  const expectRejected = (reply: Reply, ...codes: string[]): void => {
    expectProblem(reply, 422, 'presentation.rejected');
    expect(reply.body.errors.map((e: { code: string }) => e.code).sort()).toEqual([...codes].sort());
  };

  beforeAll(async () => {
    host = await new StatusListHost().start();
    kparty = await startKparty({
      env: {
        KPARTY_OUTBOUND_ALLOW: host.hostPort,
        // Lists may be cached as briefly as 1 s, so a flipped bit is seen within this test's time.
        KPARTY_STATUS_CACHE_MIN_TTL: '1',
        KPARTY_RATE_LIMIT: '0',
      },
    });
    const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
      key: TEST_ADMIN_KEY,
      body: { id: 'status-rp', name: 'Status RP', audiences: ['https://orders.example.com'] },
    });
    expect(rp.status).toBe(201);
    for (const status of ['required', 'optional', 'ignore']) {
      const policy = employeePolicy(`status-${status}`);
      (policy.credentials as Array<Record<string, unknown>>)[0] = {
        ...(policy.credentials as Array<Record<string, unknown>>)[0],
        trustedIssuers: [issuer.did],
        status,
      };
      const reply = await kparty.request('PUT', `/v1/admin/policies/${policy.id}`, { key: rp.body.apiKey, body: policy });
      expect(reply.status).toBe(201);
    }
  });

  afterAll(async () => {
    await kparty?.stop();
    await host?.stop();
  });

  describe('status: required', () => {
    it('accepts a credential whose entry is unset, reporting status valid', async () => {
      const url = await publishList('/lists/active', { set: [9] });
      const reply = await present(entry(url, 8));
      expect(reply.status).toBe(200);
      expect(reply.body.credentials[0].status).toBe('valid');
    });

    it('rejects a revoked credential', async () => {
      const url = await publishList('/lists/revoked', { set: [42] });
      expectRejected(await present(entry(url, 42)), 'credential.revoked', 'policy.unsatisfied');
    });

    it('rejects a suspended credential', async () => {
      const url = await publishList('/lists/suspended', { purpose: 'suspension', set: [7] });
      expectRejected(await present(entry(url, 7, 'suspension')), 'credential.suspended', 'policy.unsatisfied');
    });

    it('rejects a credential revoked in a StatusList2021 list', async () => {
      const url = await publishList('/lists/2021', { statusList2021: true, set: [5] });
      expectRejected(await present(entry(url, 5, 'revocation', true)), 'credential.revoked', 'policy.unsatisfied');
    });

    it('reads a list whose bitstring @digitalbazaar/vc-bitstring-status-list encoded', async () => {
      const list = await createList({ length: 131_072 });
      list.setStatus(1000, true);
      const url = host.url('/lists/digitalbazaar');
      const unsigned = await createCredential({ id: url, list, statusPurpose: 'revocation' });
      const signer = await signerOf(issuer);
      const jwt = await new SignJWT({ ...unsigned, issuer: issuer.did })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'vc+jwt' })
        .sign(signer.key);
      host.publish('/lists/digitalbazaar', jwt);
      expectRejected(await present(entry(url, 1000)), 'credential.revoked', 'policy.unsatisfied');
      expect((await present(entry(url, 999))).status).toBe(200);
    });

    it.each([
      ['an index out of range', async () => entry(await publishList('/lists/range'), 131_072)],
      ['a list signed by a stranger', async () => entry(await publishList('/lists/stranger', { by: stranger }), 1)],
      ['a purpose the list does not serve', async () => entry(await publishList('/lists/purpose', { purpose: 'suspension' }), 1)],
      ['a list shorter than 131,072 entries', async () => entry(await publishList('/lists/short', { entries: 8192 }), 1)],
      [
        'an unsigned list',
        async () => {
          const list = await createList({ length: 131_072 });
          host.publish(
            '/lists/unsigned',
            JSON.stringify(await createCredential({ id: host.url('/lists/unsigned'), list, statusPurpose: 'revocation' })),
            'application/vc',
          );
          return entry(host.url('/lists/unsigned'), 1);
        },
      ],
    ])('rejects %s as credential.status_unavailable', async (_name, makeEntry) => {
      expectRejected(await present(await makeEntry()), 'credential.status_unavailable', 'policy.unsatisfied');
    });

    it('refuses a decompression bomb (64 KiB list inflating to 64 MiB) at the inflation cap', async () => {
      const encodedList = `u${(await zeroBomb('gzip', 64)).toString('base64url')}`;
      const signer = await signerOf(issuer);
      const jwt = await new SignJWT({
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: issuer.did,
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList },
      })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'vc+jwt' })
        .sign(signer.key);
      host.publish('/lists/bomb', jwt);
      expectRejected(await present(entry(host.url('/lists/bomb'), 1)), 'credential.status_unavailable', 'policy.unsatisfied');
      expect(host.hits('/lists/bomb')).toBe(1);
    });

    it('refuses a 1 GiB bomb served as the list (≈1.4 MB, over KPARTY_FETCH_MAX_BYTES)', async () => {
      host.publish('/lists/big-bomb', `u${(await zeroBomb('gzip', 1024)).toString('base64url')}`, 'application/vc+jwt');
      expectRejected(await present(entry(host.url('/lists/big-bomb'), 1)), 'credential.status_unavailable', 'policy.unsatisfied');
    });

    it('fails closed when the list answers 503', async () => {
      host.publish('/lists/maintenance', 'down for maintenance', 'text/plain', 503);
      expectRejected(await present(entry(host.url('/lists/maintenance'), 1)), 'credential.status_unavailable', 'policy.unsatisfied');
    });
  });

  describe('status: optional and ignore', () => {
    it('optional: still rejects a revoked credential', async () => {
      const url = await publishList('/lists/optional-revoked', { set: [3] });
      expectRejected(await present(entry(url, 3), 'status-optional'), 'credential.revoked', 'policy.unsatisfied');
    });

    it('optional: still rejects a list signed by a stranger (reachable but not trustworthy)', async () => {
      const url = await publishList('/lists/optional-stranger', { by: stranger });
      expectRejected(await present(entry(url, 3), 'status-optional'), 'credential.status_unavailable', 'policy.unsatisfied');
    });

    it('ignore: accepts even a revoked credential without fetching its list, reporting status unchecked', async () => {
      const url = await publishList('/lists/ignored', { set: [3] });
      const reply = await present(entry(url, 3), 'status-ignore');
      expect(reply.status).toBe(200);
      expect(reply.body.credentials[0].status).toBe('unchecked');
      expect(host.hits('/lists/ignored')).toBe(0);
    });
  });

  describe('caching', () => {
    it('fetches a list once for 1,000 verifications', async () => {
      const url = await publishList('/lists/popular', { set: [1], ttlMs: 3_600_000 });
      const statuses: number[] = [];
      for (let batch = 0; batch < 100; batch++) {
        const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => present(entry(url, i === 0 ? 1 : 2))));
        statuses.push(...replies.map((r) => r.status));
      }
      expect(statuses).toHaveLength(1000);
      expect(statuses.filter((s) => s === 422)).toHaveLength(100);
      expect(statuses.filter((s) => s === 200)).toHaveLength(900);
      expect(host.hits('/lists/popular')).toBe(1);
    });

    it("sees a flipped bit after the list's ttl, and not before", async () => {
      const url = await publishList('/lists/flip', { ttlMs: 1500 });
      expect((await present(entry(url, 4))).status).toBe(200);
      await publishList('/lists/flip', { ttlMs: 1500, set: [4] });
      // Still within the ttl: the cached list answers.
      expect((await present(entry(url, 4))).status).toBe(200);
      expect(host.hits('/lists/flip')).toBe(1);
      await new Promise((ok) => setTimeout(ok, 1700));
      expectRejected(await present(entry(url, 4)), 'credential.revoked', 'policy.unsatisfied');
      expect(host.hits('/lists/flip')).toBe(2);
    });
  });

  describe('list host down', () => {
    it('required → credential.status_unavailable; optional → accepted, its credential entry saying status unavailable', async () => {
      const required = entry(host.url('/lists/down-required'), 1);
      const optional = entry(host.url('/lists/down-optional'), 1);
      await host.stop();
      try {
        expectRejected(await present(required), 'credential.status_unavailable', 'policy.unsatisfied');
        const reply = await present(optional, 'status-optional');
        expect(reply.status).toBe(200);
        expect(reply.body.credentials[0].status).toBe('unavailable');
      } finally {
        await host.start();
      }
    });
  });
});
