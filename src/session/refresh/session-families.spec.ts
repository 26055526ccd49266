/**
 * Session families with frozen time over memory storage: rotation, the reuse
 * grace, reuse ending the family, client and DPoP rules (RFC 9700 §4.14.2),
 * re-checks, lifetimes, revocation, introspection, purge — and what the store
 * holds (hashes and sealed claims, never a token or a claim in clear).
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import type { Principal } from '../../admin/principal.js';
import type { ErrorCode } from '../../core/errors.js';
import type { PresentationPolicy } from '../../core/model/policy.js';
import type { StatusCheckRequest, StatusOutcome } from '../../status/index.js';
import { MINUTE, SECOND, sessionKit, T0, type SessionKit } from '../__fixtures__/session-setup.js';
import { openClaims, refreshTokenHash } from './refresh-token.js';
import { SessionFamilies, type StartFamilyRequest } from './session-families.js';

const POLICY: PresentationPolicy = {
  id: 'employee-portal',
  audience: 'https://orders.example.com',
  credentials: [{ id: 'employee', format: 'jwt_vc_json', trustedIssuers: ['did:web:hr.example.com'], status: 'required' }],
  session: { scope: 'orders:read orders:write', refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400, recheck: 'status' } },
};
const ACME: Principal = { role: 'relying_party', relyingPartyId: 'acme' };
const OTHER: Principal = { role: 'relying_party', relyingPartyId: 'other' };
const HOLDER = 'did:key:z6MkholderA';

/** A status checker double: the outcome per list URL, every request recorded. */
class ScriptedStatus {
  outcomes = new Map<string, StatusOutcome>();
  requests: StatusCheckRequest[] = [];
  async check(request: StatusCheckRequest): Promise<StatusOutcome> {
    this.requests.push(request);
    return this.outcomes.get((request.entry as { statusListCredential: string }).statusListCredential) ?? { state: 'valid' };
  }
}

let kit: SessionKit;
let status: ScriptedStatus;
let families: SessionFamilies;
let policies: Map<string, PresentationPolicy>;

function start(overrides: Partial<StartFamilyRequest> = {}): Promise<string | undefined> {
  return families.start({
    subject: HOLDER,
    clientId: 'acme',
    policy: POLICY,
    refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400, recheck: 'status' },
    accessToken: { jti: 'first-jti', expiresAt: T0 / 1000 + 300, expiresIn: 300 },
    scope: 'orders:read orders:write',
    claims: { email: 'alice@example.com' },
    authenticatedClient: 'acme',
    credentials: [
      {
        issuer: 'did:web:hr.example.com',
        status: [{ type: 'BitstringStatusListEntry', statusListCredential: 'https://hr.example.com/1', statusListIndex: '7', statusPurpose: 'revocation' }],
        statusSetting: 'required',
        expiresAt: T0 / 1000 + 7 * 86_400,
      },
    ],
    ...overrides,
  });
}

async function refusalCodes(promise: Promise<unknown>): Promise<{ code: string; errors: ErrorCode[] }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; errors?: Array<{ code: ErrorCode }> };
    return { code: e.code, errors: (e.errors ?? []).map((x) => x.code) };
  }
  throw new Error('no refusal');
}

beforeEach(async () => {
  kit = await sessionKit();
  status = new ScriptedStatus();
  policies = new Map([[POLICY.id, POLICY]]);
  families = new SessionFamilies({
    store: kit.storage.sessionFamilies,
    denylist: kit.storage.sessionDenylist,
    sessions: kit.issuer,
    clock: kit.clock,
    auditLog: kit.storage.auditLog,
    audit: { clock: kit.clock, logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never },
    findPolicy: async (id) => policies.get(id),
    status,
    options: { issuer: 'https://kparty.example', reuseGraceSeconds: 10, clockSkewSeconds: 60 },
  });
});

describe('SessionFamilies', () => {
  it('issues a 256-bit opaque token, stores only its hash and the claims sealed under it', async () => {
    const token = (await start()) as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const found = await kit.storage.sessionFamilies.findByTokenHash(refreshTokenHash(token));
    expect(found?.family.currentTokenHash).toBe(refreshTokenHash(token));
    const stored = JSON.stringify(found);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('alice@example.com');
    expect(openClaims(found?.family.sealedClaims ?? '', token, found?.family.id ?? '')).toEqual({ email: 'alice@example.com' });
    expect(openClaims(found?.family.sealedClaims ?? '', 'A'.repeat(43), found?.family.id ?? '')).toBeNull();
  });

  it('gives a public client (no client authentication) a refresh token only when DPoP-bound', async () => {
    await expect(start({ authenticatedClient: undefined })).resolves.toBeUndefined();
    await expect(start({ authenticatedClient: undefined, dpopJkt: 'jkt-1' })).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('rotates: new access and refresh tokens, the mapped claims kept, the old token dead', async () => {
    const token = (await start()) as string;
    kit.clock.advance(MINUTE);
    const answer = await families.refresh({ refreshToken: token, client: 'acme' });
    expect(answer.refresh_token).not.toBe(token);
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'orders:read orders:write' });
    expect(decodeJwt(answer.access_token)).toMatchObject({ sub: HOLDER, client_id: 'acme', email: 'alice@example.com', policy: 'employee-portal' });
    expect(status.requests).toHaveLength(1);
    expect(status.requests[0]?.credential).toEqual({ issuer: 'did:web:hr.example.com' });
    expect(status.requests[0]?.allowStale).toBe(false);
    const again = await families.refresh({ refreshToken: answer.refresh_token, client: 'acme', scope: 'orders:read' });
    expect(again.scope).toBe('orders:read');
    expect(await refusalCodes(families.refresh({ refreshToken: again.refresh_token, client: 'acme', scope: 'orders:admin' }))).toEqual({
      code: 'oauth.invalid_scope',
      errors: [],
    });
  });

  it('a rotated token within the grace is refused harmlessly; after it, reuse ends the family and denies its access tokens', async () => {
    const first = (await start()) as string;
    const second = await families.refresh({ refreshToken: first, client: 'acme' });
    kit.clock.advance(10 * SECOND);
    expect(await refusalCodes(families.refresh({ refreshToken: first, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.refresh_reused'],
    });
    const third = await families.refresh({ refreshToken: second.refresh_token, client: 'acme' });
    kit.clock.advance(11 * SECOND);
    expect(await refusalCodes(families.refresh({ refreshToken: second.refresh_token, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.refresh_reused'],
    });
    expect(await refusalCodes(families.refresh({ refreshToken: third.refresh_token, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.family_ended'],
    });
    for (const jti of ['first-jti', decodeJwt(second.access_token).jti, decodeJwt(third.access_token).jti]) {
      await expect(kit.storage.sessionDenylist.isRevoked(String(jti), kit.clock.now())).resolves.toBe(true);
    }
    const { events } = await kit.storage.auditLog.list('acme', { limit: 10 });
    expect(events.filter((e) => e.codes.includes('session.refresh_reused'))).toHaveLength(1);
  });

  it('of concurrent refreshes of one token exactly one wins; the others are refused harmlessly', async () => {
    const token = (await start()) as string;
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => families.refresh({ refreshToken: token, client: 'acme' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ refresh_token: string }>;
    await expect(families.refresh({ refreshToken: winner.value.refresh_token, client: 'acme' })).resolves.toBeDefined();
  });

  it('client rules: another client is invalid_grant, none is invalid_client, and neither harms the session', async () => {
    const token = (await start()) as string;
    expect(await refusalCodes(families.refresh({ refreshToken: token, client: 'other' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.client_mismatch'],
    });
    expect(await refusalCodes(families.refresh({ refreshToken: token }))).toEqual({ code: 'auth.unauthorized', errors: [] });
    await expect(families.refresh({ refreshToken: token, client: 'acme' })).resolves.toBeDefined();
  });

  it('DPoP-bound sessions need a proof by the same key; the new access token is bound too', async () => {
    const token = (await start({ authenticatedClient: undefined, dpopJkt: 'jkt-1' })) as string;
    expect(await refusalCodes(families.refresh({ refreshToken: token }))).toEqual({ code: 'oauth.invalid_dpop_proof', errors: [] });
    expect(await refusalCodes(families.refresh({ refreshToken: token, dpopJkt: 'jkt-2' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.dpop_mismatch'],
    });
    const answer = await families.refresh({ refreshToken: token, dpopJkt: 'jkt-1' });
    expect(answer.token_type).toBe('DPoP');
    expect(decodeJwt(answer.access_token).cnf).toEqual({ jkt: 'jkt-1' });
  });

  it('re-check: revoked, suspended and (under required) unavailable end the family with the code; optional tolerates unavailable', async () => {
    for (const [outcome, code] of [
      [{ state: 'revoked', detail: 'revoked' }, 'credential.revoked'],
      [{ state: 'suspended', detail: 'suspended' }, 'credential.suspended'],
      [{ state: 'unavailable', reason: 'fetch_failed', detail: 'down' }, 'credential.status_unavailable'],
      [{ state: 'invalid', reason: 'signature_invalid', detail: 'forged' }, 'credential.status_unavailable'],
    ] as Array<[StatusOutcome, ErrorCode]>) {
      status.outcomes.set('https://hr.example.com/1', outcome);
      const token = (await start()) as string;
      expect(await refusalCodes(families.refresh({ refreshToken: token, client: 'acme' }))).toEqual({ code: 'oauth.invalid_grant', errors: [code] });
      expect(await refusalCodes(families.refresh({ refreshToken: token, client: 'acme' }))).toEqual({
        code: 'oauth.invalid_grant',
        errors: ['session.family_ended'],
      });
    }
    status.outcomes.set('https://hr.example.com/1', { state: 'unavailable', reason: 'fetch_failed', detail: 'down' });
    const optional = (await start({
      credentials: [{ issuer: 'did:web:hr.example.com', status: [{ statusListCredential: 'https://hr.example.com/1' }], statusSetting: 'optional' }],
    })) as string;
    await expect(families.refresh({ refreshToken: optional, client: 'acme' })).resolves.toBeDefined();
    expect(status.requests.at(-1)?.allowStale).toBe(true);
  });

  it("recheck none reads no status list but still ends the session at the credential's expiry", async () => {
    status.outcomes.set('https://hr.example.com/1', { state: 'revoked', detail: 'revoked' });
    const token = (await start({ refresh: { ttlSeconds: 30 * 86_400, absoluteTtlSeconds: 30 * 86_400, recheck: 'none' } })) as string;
    const answer = await families.refresh({ refreshToken: token, client: 'acme' });
    expect(status.requests).toHaveLength(0);
    kit.clock.advance(7 * 86_400 * SECOND + MINUTE);
    expect(await refusalCodes(families.refresh({ refreshToken: answer.refresh_token, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['credential.expired'],
    });
  });

  it('idle and absolute lifetimes; a deleted policy ends the family', async () => {
    const idle = (await start()) as string;
    kit.clock.advance(3600 * SECOND);
    expect(await refusalCodes(families.refresh({ refreshToken: idle, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.refresh_expired'],
    });
    let token = (await start()) as string;
    // 24 refreshes 3500 s apart stay within the idle lifetime; the absolute one (86 400 s) ends the session after them.
    for (let hour = 0; hour < 24; hour += 1) {
      kit.clock.advance(3500 * SECOND);
      token = (await families.refresh({ refreshToken: token, client: 'acme' })).refresh_token;
    }
    kit.clock.advance(3500 * SECOND);
    expect(await refusalCodes(families.refresh({ refreshToken: token, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.refresh_expired'],
    });
    const orphan = (await start()) as string;
    policies.clear();
    expect(await refusalCodes(families.refresh({ refreshToken: orphan, client: 'acme' }))).toEqual({
      code: 'oauth.invalid_grant',
      errors: ['session.policy_gone'],
    });
  });

  it('malformed and unknown tokens are invalid_grant without a lookup of anything they name', async () => {
    for (const bad of ['', 'short', 'A'.repeat(44), 'A'.repeat(42) + '=', "' OR 1=1 --"]) {
      expect((await refusalCodes(families.refresh({ refreshToken: bad, client: 'acme' }))).code).toBe('oauth.invalid_grant');
    }
    expect((await refusalCodes(families.refresh({ refreshToken: 'A'.repeat(43), client: 'acme' }))).code).toBe('oauth.invalid_grant');
  });

  it('revocation, logout of a subject, introspection and purge respect the owner', async () => {
    const token = (await start()) as string;
    await expect(families.introspect(OTHER, token)).resolves.toEqual({ active: false });
    await expect(families.introspect(ACME, token)).resolves.toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: 'acme',
      sub: HOLDER,
      exp: T0 / 1000 + 3600,
    });
    await expect(families.revokeRefreshToken(OTHER, token)).resolves.toBe('not_owner');
    await expect(families.revokeRefreshToken(ACME, 'A'.repeat(43))).resolves.toBe('invalid_token');
    await expect(families.revokeRefreshToken(ACME, token)).resolves.toBe('revoked');
    await expect(families.introspect(ACME, token)).resolves.toEqual({ active: false });
    await expect(kit.storage.sessionDenylist.isRevoked('first-jti', kit.clock.now())).resolves.toBe(true);
    await start();
    await start({ clientId: 'other', authenticatedClient: 'other' });
    await expect(families.revokeBySubject(ACME, HOLDER)).resolves.toBe(1);
    await expect(families.revokeBySubject({ role: 'operator' }, HOLDER)).resolves.toBe(1);
    await expect(families.purge()).resolves.toBe(3);
  });
});
