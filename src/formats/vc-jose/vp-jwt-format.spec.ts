import { describe, expect, it } from '@jest/globals';
import { issueVcJwtV2, presentVpJwtV2 } from '../../../test/support/credentials.js';
import { ed25519Identity } from '../../../test/support/identities.js';
import type { ParsedPresentation } from '../../core/model/presentation.js';
import { proofEnvironmentFor, SINGLE } from '../__fixtures__/proof-environment.js';
import type { ParseOutcome } from '../format-handler.js';
import { VC_JWT, vpJwtFormat } from './vp-jwt-format.js';

// Assembled with jose (another implementation); VC-JOSE-COSE §3.
const issuer = ed25519Identity();
const holder = ed25519Identity();

function parsed(outcome: ParseOutcome): ParsedPresentation {
  if (!outcome.ok) throw new Error(`not parsed: ${JSON.stringify(outcome.failures)}`);
  return outcome.presentation;
}

const jwt = (header: object, payload: object): string =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

describe('vp+jwt format (VC-DM 2.0, VC-JOSE-COSE)', () => {
  it('recognises a vp+jwt by its typ only', async () => {
    expect(vpJwtFormat.recognises(await presentVpJwtV2(holder, [], { nonce: 'n', aud: 'a' }))).toBe(true);
    expect(vpJwtFormat.recognises(jwt({ alg: 'EdDSA' }, { vp: {} }))).toBe(false);
  });

  it('parses an enveloped vc+jwt into the neutral model, with validity from validFrom/validUntil', async () => {
    const credential = await issueVcJwtV2(issuer, holder.did, { validFrom: '2029-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z' });
    const presentation = parsed(vpJwtFormat.parse(await presentVpJwtV2(holder, [credential], { nonce: 'n-1', aud: 'https://rp.example' }), SINGLE));
    expect(presentation).toMatchObject({ format: 'vp+jwt', holder: holder.did, challenge: { kind: 'stated', nonce: 'n-1', audience: ['https://rp.example'] } });
    expect(presentation.credentials[0]).toMatchObject({
      format: 'vc+jwt',
      issuer: issuer.did,
      subject: holder.did,
      holderBinding: [{ id: holder.did, path: 'credentials[0]' }],
      notBefore: Date.UTC(2029, 0, 1) / 1000,
      expiresAt: Date.UTC(2031, 0, 1) / 1000,
      status: [],
    });
  });

  it.each([
    ['a credential that is not enveloped', { verifiableCredential: ['eyJ.x.y'] }],
    ['an enveloped credential that is not a data URL', { verifiableCredential: [{ type: 'EnvelopedVerifiableCredential', id: 'https://x' }] }],
  ])('answers credential.malformed for %s', (_, members) => {
    const vp = jwt(
      { alg: 'EdDSA', typ: 'vp+jwt' },
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: holder.did, ...members },
    );
    expect(vpJwtFormat.parse(vp, SINGLE).failures.map((f) => [f.code, f.path])).toEqual([['credential.malformed', 'credentials[0]']]);
  });

  it.each([
    ['a missing v2 context', { type: ['VerifiablePresentation'] }],
    [
      '"iss" differing from "holder"',
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: 'did:example:a', iss: 'did:example:b' },
    ],
  ])('answers presentation.malformed for %s', (_, payload) => {
    expect(vpJwtFormat.parse(jwt({ alg: 'EdDSA', typ: 'vp+jwt' }, payload), SINGLE).failures.map((f) => f.code)).toEqual(['presentation.malformed']);
  });

  it('verifies both signatures with DID keys and refuses a tampered credential', async () => {
    const credential = await issueVcJwtV2(issuer, holder.did);
    const presentation = parsed(vpJwtFormat.parse(await presentVpJwtV2(holder, [credential], { nonce: 'n', aud: 'a' }), SINGLE));
    const env = await proofEnvironmentFor([holder.did, issuer.did]);
    await expect(vpJwtFormat.verifyHolderProof(presentation, env)).resolves.toEqual([]);
    await expect(vpJwtFormat.verifyIssuerProof(presentation.credentials[0]!, env)).resolves.toEqual([]);
    const [h, p, s] = credential.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.credentialSubject.role = 'admin';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const forged = parsed(vpJwtFormat.parse(await presentVpJwtV2(holder, [tampered], { nonce: 'n', aud: 'a' }), SINGLE));
    const failures = await vpJwtFormat.verifyIssuerProof(forged.credentials[0]!, env);
    expect(failures.map((f) => [f.code, f.path])).toEqual([['credential.signature_invalid', 'credentials[0]']]);
  });

  it('has no OpenID4VP 1.0 identifier, so it is bound to kparty challenges only', () => {
    expect(VC_JWT.openid4vp).toBeUndefined();
    expect(vpJwtFormat.bindings).toEqual(['challenge']);
  });
});
