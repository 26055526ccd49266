import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { ISSUER, MINUTE, SECOND, sessionKit, sessionRequest, T0, type SessionKit } from './__fixtures__/session-setup.js';
import { MAX_SESSION_TOKEN_LENGTH } from './session-verifier.js';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims as kparty issues them, at T0 for five minutes. */
function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    sub: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    aud: 'https://orders.example.com',
    iat: T0 / SECOND,
    exp: T0 / SECOND + 300,
    jti: 'jti-1',
    client_id: 'shop-a',
    policy: 'employee-portal',
    scope: 'orders:read',
    ...overrides,
  };
}

/** Signs `payload` with the ring's own current key, with a chosen header: tokens kparty could have signed, but did not. */
async function signWithRing(kit: SessionKit, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const { kid, key } = kit.ring.current();
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...header }).sign(key);
}

describe('SessionVerifier', () => {
  it('accepts a token the issuer minted and returns its claims, mapped ones included', async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await expect(kit.verifier.verify(session.token)).resolves.toStrictEqual({
      valid: true,
      claims: {
        iss: ISSUER,
        sub: sessionRequest().subject,
        aud: 'https://orders.example.com',
        iat: T0 / SECOND,
        exp: T0 / SECOND + 300,
        jti: session.jti,
        client_id: 'shop-a',
        policy: 'employee-portal',
        scope: 'orders:read orders:write',
        email: 'alice@example.com',
      },
    });
  });

  it('accepts a token until exp + clock skew, not from then on', async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    kit.clock.set(T0 + (300 + 60) * SECOND - 1);
    await expect(kit.verifier.verify(session.token)).resolves.toMatchObject({ valid: true });
    kit.clock.set(T0 + (300 + 60) * SECOND);
    await expect(kit.verifier.verify(session.token)).resolves.toStrictEqual({ valid: false, reason: 'expired' });
  });

  it('refuses a revoked token, unless asked to ignore revocation', async () => {
    const kit = await sessionKit();
    const session = await kit.issuer.issue(sessionRequest());
    await kit.storage.sessionDenylist.revoke(session.jti, T0 + 10 * MINUTE);
    await expect(kit.verifier.verify(session.token)).resolves.toStrictEqual({ valid: false, reason: 'revoked' });
    await expect(kit.verifier.verify(session.token, { checkRevocation: false })).resolves.toMatchObject({ valid: true });
  });

  it('refuses a token whose payload was changed', async () => {
    const kit = await sessionKit();
    const [header, , signature] = (await kit.issuer.issue(sessionRequest())).token.split('.');
    const forged = `${header}.${b64(claims({ scope: 'orders:admin' }))}.${signature}`;
    await expect(kit.verifier.verify(forged)).resolves.toStrictEqual({ valid: false, reason: 'signature_invalid' });
  });

  it("refuses a token signed by another key under kparty's kid, and one carrying its own key in the header", async () => {
    const kit = await sessionKit();
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const header = { alg: 'ES256', typ: 'at+jwt' } as const;
    const sameKid = await new SignJWT(claims()).setProtectedHeader({ ...header, kid: kit.ring.current().kid }).sign(privateKey);
    await expect(kit.verifier.verify(sameKid)).resolves.toStrictEqual({ valid: false, reason: 'signature_invalid' });
    const embedded = await new SignJWT(claims()).setProtectedHeader({ ...header, jwk: await exportJWK(publicKey) }).sign(privateKey);
    await expect(kit.verifier.verify(embedded)).resolves.toStrictEqual({ valid: false, reason: 'unknown_key' });
    const otherKid = await new SignJWT(claims()).setProtectedHeader({ ...header, kid: 'attacker' }).sign(privateKey);
    await expect(kit.verifier.verify(otherKid)).resolves.toStrictEqual({ valid: false, reason: 'unknown_key' });
  });

  it('refuses alg none and HMAC, whatever the header says', async () => {
    const kit = await sessionKit();
    const kid = kit.ring.current().kid;
    const none = `${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${b64(claims())}.`;
    await expect(kit.verifier.verify(none)).resolves.toStrictEqual({ valid: false, reason: 'alg_forbidden' });
    const hmac = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' }).sign(new TextEncoder().encode('k'.repeat(32)));
    await expect(kit.verifier.verify(hmac)).resolves.toStrictEqual({ valid: false, reason: 'alg_forbidden' });
  });

  it('refuses a token of another typ (an ID token, a plain JWT) and one without typ', async () => {
    const kit = await sessionKit();
    await expect(kit.verifier.verify(await signWithRing(kit, claims(), { typ: 'JWT' }))).resolves.toStrictEqual({ valid: false, reason: 'wrong_type' });
    await expect(kit.verifier.verify(await signWithRing(kit, claims(), { typ: undefined }))).resolves.toStrictEqual({ valid: false, reason: 'wrong_type' });
    // RFC 8725 §3.11: the media-type form of the same typ is the same type.
    await expect(kit.verifier.verify(await signWithRing(kit, claims(), { typ: 'application/at+jwt' }))).resolves.toMatchObject({ valid: true });
  });

  it('refuses another issuer', async () => {
    const kit = await sessionKit();
    await expect(kit.verifier.verify(await signWithRing(kit, claims({ iss: 'https://evil.example' })))).resolves.toStrictEqual({
      valid: false,
      reason: 'wrong_issuer',
    });
  });

  it.each([
    ['no jti', { jti: undefined }],
    ['no client_id', { client_id: undefined }],
    ['no policy', { policy: undefined }],
    ['a numeric scope', { scope: 7 }],
    ['an empty audience list', { aud: [] }],
    ['an iat beyond the clock skew', { iat: T0 / SECOND + 61 }],
    ['no exp', { exp: undefined }],
  ])('refuses a correctly signed token with %s', async (_, overrides) => {
    const kit = await sessionKit();
    await expect(kit.verifier.verify(await signWithRing(kit, claims(overrides as JWTPayload)))).resolves.toStrictEqual({
      valid: false,
      reason: 'claims_invalid',
    });
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not a token'],
    ['two parts', 'eyJhbGciOiJFUzI1NiJ9.eyJ9'],
    ['a header that is not JSON', `${Buffer.from('{').toString('base64url')}.${b64(claims())}.c2ln`],
    ['an oversized token', 'a'.repeat(MAX_SESSION_TOKEN_LENGTH + 1)],
  ])('refuses %s as malformed', async (_, token) => {
    const kit = await sessionKit();
    await expect(kit.verifier.verify(token)).resolves.toStrictEqual({ valid: false, reason: 'malformed' });
  });
});
