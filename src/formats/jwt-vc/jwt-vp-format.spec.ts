import { describe, expect, it } from '@jest/globals';
import { issueJwtVc, presentJwtVp } from '../../../test/support/credentials.js';
import { ed25519Identity } from '../../../test/support/identities.js';
import type { ParsedPresentation } from '../../core/model/presentation.js';
import { proofEnvironmentFor, SECOND_OF_PID, SINGLE } from '../__fixtures__/proof-environment.js';
import type { ParseOutcome } from '../format-handler.js';
import { JWT_VC_JSON, jwtVpFormat } from './jwt-vp-format.js';

// Credentials and presentations made by did-jwt-vc (another implementation), verified here.
const issuer = ed25519Identity();
const holder = ed25519Identity();
const STATUS = {
  id: 'https://status.example/1#5',
  type: 'BitstringStatusListEntry',
  statusPurpose: 'revocation',
  statusListIndex: '5',
  statusListCredential: 'https://status.example/1',
};

function parsed(outcome: ParseOutcome): ParsedPresentation {
  if (!outcome.ok) throw new Error(`not parsed: ${JSON.stringify(outcome.failures)}`);
  return outcome.presentation;
}

const jwt = (header: object, payload: object): string =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

describe('jwt_vp_json format (VC-DM 1.1 VP-JWT)', () => {
  it('recognises a VP-JWT, not a vp+jwt, not a VC-JWT, not garbage', async () => {
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: 'n-1', aud: 'https://rp.example' });
    expect(jwtVpFormat.recognises(vp)).toBe(true);
    expect(jwtVpFormat.recognises(jwt({ alg: 'EdDSA', typ: 'vp+jwt' }, { vp: {} }))).toBe(false);
    expect(jwtVpFormat.recognises(await issueJwtVc(issuer, holder.did))).toBe(false);
    expect(jwtVpFormat.recognises('a.b.c')).toBe(false);
    expect(jwtVpFormat.recognises({ vp: {} })).toBe(false);
  });

  it('parses holder, stated challenge and each credential into the neutral model', async () => {
    const credential = await issueJwtVc(issuer, holder.did, { credentialStatus: STATUS });
    const presentation = parsed(jwtVpFormat.parse(await presentJwtVp(holder, [credential], { nonce: 'n-1', aud: 'https://rp.example' }), SINGLE));
    expect(presentation).toMatchObject({
      format: 'jwt_vp_json',
      index: 0,
      path: 'presentation',
      holder: holder.did,
      holderKey: { kind: 'did', did: holder.did },
      challenge: { kind: 'stated', nonce: 'n-1', audience: ['https://rp.example'] },
    });
    expect(presentation.credentials).toEqual([
      expect.objectContaining({
        format: 'jwt_vc_json',
        ref: { presentation: 0, credential: 0 },
        path: 'credentials[0]',
        issuer: issuer.did,
        issuerKey: { kind: 'did', did: issuer.did },
        subject: holder.did,
        holderBinding: [{ id: holder.did, path: 'credentials[0]' }],
        types: ['VerifiableCredential', 'EmployeeCredential'],
        status: [{ entry: STATUS, path: 'credentials[0].credentialStatus[0]' }],
      }),
    ]);
    expect(presentation.credentials[0]?.document.credentialSubject).toEqual({ id: holder.did, role: 'staff', email: 'alice@example.com' });
  });

  it('places credentials by the scope it is given (an OpenID4VP vp_token entry)', async () => {
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did), await issueJwtVc(issuer, holder.did)], { nonce: 'n', aud: 'a' });
    const presentation = parsed(jwtVpFormat.parse(vp, SECOND_OF_PID));
    expect(presentation).toMatchObject({ index: 1, path: 'vpToken.pid[1]', queryId: 'pid' });
    expect(presentation.credentials.map((c) => [c.path, c.ref, c.queryId])).toEqual([
      ['vpToken.pid[1].credentials[0]', { presentation: 1, credential: 0 }, 'pid'],
      ['vpToken.pid[1].credentials[1]', { presentation: 1, credential: 1 }, 'pid'],
    ]);
  });

  it.each([
    ['"vp" not an object', { iss: 'did:example:h', vp: 'x' }],
    ['"vp.type" without VerifiablePresentation', { iss: 'did:example:h', vp: { type: ['X'] } }],
    ['"iss" not a string', { iss: 7, vp: { type: ['VerifiablePresentation'] } }],
    ['"vp.holder" differing from "iss"', { iss: 'did:example:h', vp: { type: ['VerifiablePresentation'], holder: 'did:example:other' } }],
    ['"aud" not a string', { iss: 'did:example:h', aud: 7, vp: { type: ['VerifiablePresentation'] } }],
    [
      'more than 20 credentials',
      { iss: 'did:example:h', vp: { type: ['VerifiablePresentation'], verifiableCredential: Array.from({ length: 21 }, () => 'x') } },
    ],
  ])('answers presentation.malformed at the scope path for %s', (_, payload) => {
    const outcome = jwtVpFormat.parse(jwt({ alg: 'EdDSA' }, payload), SECOND_OF_PID);
    expect(outcome.ok).toBe(false);
    expect(outcome.failures.map((f) => [f.code, f.path])).toEqual([['presentation.malformed', 'vpToken.pid[1]']]);
  });

  it('reports a malformed credential at its path and keeps the others', async () => {
    const vp = jwt(
      { alg: 'EdDSA' },
      { iss: holder.did, vp: { type: ['VerifiablePresentation'], verifiableCredential: ['a.b', await issueJwtVc(issuer, holder.did)] } },
    );
    const outcome = jwtVpFormat.parse(vp, SINGLE);
    expect(outcome.failures.map((f) => [f.code, f.path])).toEqual([['credential.malformed', 'credentials[0]']]);
    expect(parsed(outcome).credentials.map((c) => c.ref.credential)).toEqual([1]);
  });

  it("verifies the holder's and the issuer's signatures with their DID keys", async () => {
    const vp = await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: 'n', aud: 'a' });
    const presentation = parsed(jwtVpFormat.parse(vp, SINGLE));
    const env = await proofEnvironmentFor([holder.did, issuer.did]);
    await expect(jwtVpFormat.verifyHolderProof(presentation, env)).resolves.toEqual([]);
    await expect(jwtVpFormat.verifyIssuerProof(presentation.credentials[0]!, env)).resolves.toEqual([]);
  });

  it('refuses a presentation signed by another key than its holder, and a credential by another issuer, with references', async () => {
    const impostor = ed25519Identity();
    const forged = await presentJwtVp(impostor, [await issueJwtVc(impostor, holder.did)], { nonce: 'n', aud: 'a' });
    // Claim to be `holder` and `issuer` while signed by the impostor.
    const [h, p, s] = forged.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.iss = holder.did;
    const presentation = parsed(jwtVpFormat.parse(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`, SINGLE));
    const env = await proofEnvironmentFor([holder.did, impostor.did]);
    const holderFailures = await jwtVpFormat.verifyHolderProof(presentation, env);
    expect(holderFailures.map((f) => [f.code, f.path, f.presentation])).toEqual([['did.key_not_found', 'presentation', 0]]);
    const tampered = { ...presentation.credentials[0]!, issuer: holder.did, issuerKey: { kind: 'did' as const, did: holder.did } };
    const credentialFailures = await jwtVpFormat.verifyIssuerProof(tampered, env);
    expect(credentialFailures.map((f) => [f.code, f.credential])).toEqual([['did.key_not_found', { presentation: 0, credential: 0 }]]);
  });

  it('leaves a proof unverified, without a second failure, when the DID did not resolve', async () => {
    const presentation = parsed(jwtVpFormat.parse(await presentJwtVp(holder, [], { nonce: 'n', aud: 'a' }), SINGLE));
    await expect(jwtVpFormat.verifyHolderProof(presentation, await proofEnvironmentFor([], [holder.did]))).resolves.toEqual([]);
  });

  it('answers the policy side: meta type_values, all claims, OpenID4VP alg_values', async () => {
    const presentation = parsed(jwtVpFormat.parse(await presentJwtVp(holder, [await issueJwtVc(issuer, holder.did)], { nonce: 'n', aud: 'a' }), SINGLE));
    const credential = presentation.credentials[0]!;
    expect(JWT_VC_JSON.metaMismatches({ type_values: [['EmployeeCredential']] }, credential)).toEqual([]);
    expect(JWT_VC_JSON.metaMismatches({ type_values: [['BadgeCredential']] }, credential)).toEqual([
      'type ["VerifiableCredential","EmployeeCredential"] does not include every type of ["BadgeCredential"]',
    ]);
    expect(JWT_VC_JSON.allClaims(credential)).toEqual({ credentialSubject: { id: holder.did, role: 'staff', email: 'alice@example.com' } });
    expect(JWT_VC_JSON.openid4vp?.vpFormatsSupported.alg_values).toEqual(expect.arrayContaining(['EdDSA', 'ES256', 'ES256K', 'PS256']));
    expect(JWT_VC_JSON.requiredMetaKeys).toEqual(['type_values']);
    expect(jwtVpFormat.bindings).toEqual(['challenge', 'oid4vp']);
  });
});
