import { describe, expect, it } from '@jest/globals';
import { OPERATOR, type Principal } from '../admin/principal.js';
import { KpartyError } from '../core/errors.js';
import { ISSUER, MINUTE, SECOND, sessionKit, sessionRequest, T0, type SessionKit } from './__fixtures__/session-setup.js';
import { authorizeSession } from './authorize-session.js';
import { introspectSession } from './introspect-session.js';
import { revokeSession } from './revoke-session.js';

const SHOP_A: Principal = { role: 'relying_party', relyingPartyId: 'shop-a' };
const SHOP_B: Principal = { role: 'relying_party', relyingPartyId: 'shop-b' };

const revoke = (kit: SessionKit, principal: Principal, token: string) =>
  revokeSession({ verifier: kit.verifier, denylist: kit.storage.sessionDenylist, clock: kit.clock, clockSkew: 60 }, principal, token);

/** The KpartyError code `promise` rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KpartyError) return error.code;
    throw error;
  }
  throw new Error('expected a KpartyError');
}

describe('introspectSession (RFC 7662)', () => {
  it("tells the token's own relying party everything: RFC 7662 members, policy and mapped claims", async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await expect(introspectSession(kit.verifier, SHOP_A, session.token)).resolves.toStrictEqual({
      active: true,
      scope: 'orders:read orders:write',
      client_id: 'shop-a',
      sub: sessionRequest().subject,
      aud: 'https://orders.example.com',
      iss: ISSUER,
      exp: T0 / SECOND + 300,
      iat: T0 / SECOND,
      jti: session.jti,
      token_type: 'Bearer',
      policy: 'employee-portal',
      email: 'alice@example.com',
    });
  });

  it("answers another relying party's token as inactive, and the operator sees every token", async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await expect(introspectSession(kit.verifier, SHOP_B, session.token)).resolves.toStrictEqual({ active: false });
    await expect(introspectSession(kit.verifier, OPERATOR, session.token)).resolves.toMatchObject({ active: true, client_id: 'shop-a' });
  });

  it('answers expired, revoked and invalid tokens as inactive, with nothing else', async () => {
    const kit = await sessionKit();
    const expiring = await kit.issuer.issue(sessionRequest({ ttlSeconds: 60 }));
    const revoked = await kit.issuer.issue(sessionRequest());
    await revoke(kit, SHOP_A, revoked.token);
    for (const token of [revoked.token, 'garbage', `${revoked.token}x`]) {
      await expect(introspectSession(kit.verifier, SHOP_A, token)).resolves.toStrictEqual({ active: false });
    }
    kit.clock.advance((60 + 60) * SECOND);
    await expect(introspectSession(kit.verifier, SHOP_A, expiring.token)).resolves.toStrictEqual({ active: false });
  });

  it('omits scope when the session has none, and no mapped claim can pose as an introspection member', async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(
      sessionRequest({ scope: undefined, claims: { active: false, token_type: 'mac', username: 'mallory', email: 'a@b' } }),
    );
    const answer = await introspectSession(kit.verifier, SHOP_A, session.token);
    expect(answer).toMatchObject({ active: true, token_type: 'Bearer', email: 'a@b' });
    expect(answer).not.toHaveProperty('scope');
    expect(answer).not.toHaveProperty('username');
  });
});

describe('revokeSession (RFC 7009)', () => {
  it("revokes the relying party's own token until exp + clock skew, after which it would not verify anyway", async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await expect(revoke(kit, SHOP_A, session.token)).resolves.toBe('revoked');
    await expect(kit.verifier.verify(session.token)).resolves.toStrictEqual({ valid: false, reason: 'revoked' });
    const deniedUntil = T0 + (300 + 60) * SECOND;
    await expect(kit.storage.sessionDenylist.isRevoked(session.jti, deniedUntil - 1)).resolves.toBe(true);
    await expect(kit.storage.sessionDenylist.isRevoked(session.jti, deniedUntil)).resolves.toBe(false);
    // Revoking again is a success too.
    await expect(revoke(kit, SHOP_A, session.token)).resolves.toBe('revoked');
  });

  it("leaves another relying party's token alone; the operator may revoke any", async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await expect(revoke(kit, SHOP_B, session.token)).resolves.toBe('not_owner');
    await expect(kit.verifier.verify(session.token)).resolves.toMatchObject({ valid: true });
    await expect(revoke(kit, OPERATOR, session.token)).resolves.toBe('revoked');
    await expect(kit.verifier.verify(session.token)).resolves.toMatchObject({ valid: false, reason: 'revoked' });
  });

  it('trusts no claim of a token that does not verify: a forged jti revokes nothing', async () => {
    const kit = await sessionKit();
    const victim = await kit.issuer.issue(sessionRequest());
    const [header, payload, signature] = (await kit.issuer.issue(sessionRequest())).token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, jti: victim.jti })).toString('base64url')}.${signature}`;
    await expect(revoke(kit, SHOP_A, forged)).resolves.toBe('invalid_token');
    await expect(kit.verifier.verify(victim.token)).resolves.toMatchObject({ valid: true });
    kit.clock.advance(10 * MINUTE);
    await expect(revoke(kit, SHOP_A, victim.token)).resolves.toBe('invalid_token');
  });
});

describe('authorizeSession (forward-auth)', () => {
  it('returns the claims of a valid token that has every required scope and the audience', async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await expect(
      authorizeSession(kit.verifier, session.token, { scopes: ['orders:read', 'orders:write'], audience: 'https://orders.example.com' }),
    ).resolves.toMatchObject({
      sub: sessionRequest().subject,
      client_id: 'shop-a',
    });
    await expect(authorizeSession(kit.verifier, session.token, { scopes: [] })).resolves.toMatchObject({ jti: session.jti });
  });

  it('distinguishes no token (session.missing), a bad one (session.invalid) and a missing scope (session.insufficient_scope)', async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    expect(await codeOf(authorizeSession(kit.verifier, undefined, { scopes: [] }))).toBe('session.missing');
    expect(await codeOf(authorizeSession(kit.verifier, '', { scopes: [] }))).toBe('session.invalid');
    expect(await codeOf(authorizeSession(kit.verifier, `${session.token}x`, { scopes: [] }))).toBe('session.invalid');
    expect(await codeOf(authorizeSession(kit.verifier, session.token, { scopes: ['orders:read', 'orders:admin'] }))).toBe('session.insufficient_scope');
    // A scope is a whole token: "orders" is not granted by "orders:read".
    expect(await codeOf(authorizeSession(kit.verifier, session.token, { scopes: ['orders'] }))).toBe('session.insufficient_scope');
    expect(await codeOf(authorizeSession(kit.verifier, session.token, { scopes: [], audience: 'https://other.example.com' }))).toBe('session.invalid');
  });

  it('honours revocation, and a session without scope satisfies no scope requirement', async () => {
    const kit = await sessionKit();
    const unscoped = await kit.issuer.issue(sessionRequest({ scope: undefined }));
    expect(await codeOf(authorizeSession(kit.verifier, unscoped.token, { scopes: ['orders:read'] }))).toBe('session.insufficient_scope');
    await revoke(kit, SHOP_A, unscoped.token);
    expect(await codeOf(authorizeSession(kit.verifier, unscoped.token, { scopes: [] }))).toBe('session.invalid');
  });
});
