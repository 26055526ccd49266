/**
 * KPARTY_DID_DRIVERS end to end, with the published pkh-did-resolver driver
 * (offline: did:pkh documents are derived from the identifier): the service
 * warns naming the driver, policies may trust did:pkh issuers, and
 * presentations naming did:pkh issuers are resolved through the driver.
 *
 * What kparty then says is the truth about did:pkh: its documents carry a
 * blockchain account (EcdsaSecp256k1RecoveryMethod2020), not a public key,
 * and kparty verifies signatures with public keys only, so a did:pkh
 * issuer's credential is refused for its key, not for its DID method.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { ES256KSigner } from 'did-jwt';
import { createVerifiableCredentialJwt } from 'did-jwt-vc';
import { presentJwtVp } from '../support/credentials.js';
import { ed25519Identity } from '../support/identities.js';
import { startKparty, TEST_ADMIN_KEY, type RunningKparty } from './harness.js';
import { employeePolicy } from './policies.js';
import { expectProblem } from './problem.js';

/** A did:pkh (eip155) issuer: the Ethereum address of a fresh secp256k1 key, and a VC-JWT it signs (ES256K-R, as Ethereum wallets sign). */
async function pkhCredential(subject: string): Promise<{ did: string; jwt: string }> {
  const secret = secp256k1.utils.randomSecretKey();
  const address = `0x${Buffer.from(keccak_256(secp256k1.getPublicKey(secret, false).slice(1)).slice(-20)).toString('hex')}`;
  const did = `did:pkh:eip155:1:${address}`;
  const jwt = await createVerifiableCredentialJwt(
    {
      sub: subject,
      nbf: Math.floor(Date.now() / 1000) - 60,
      vc: {
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential', 'EmployeeCredential'],
        credentialSubject: { role: 'staff', email: 'alice@example.com' },
      },
    },
    { did, signer: ES256KSigner(secret, true), alg: 'ES256K-R' },
    { header: { kid: `${did}#blockchainAccountId`, alg: 'ES256K-R' } },
  );
  return { did, jwt };
}

function policyTrusting(id: string, issuer: string): Record<string, unknown> {
  const policy = employeePolicy(id);
  return { ...policy, credentials: [{ ...(policy.credentials as Array<Record<string, unknown>>)[0], trustedIssuers: [issuer], status: 'ignore' }] };
}

async function verifyWith(kparty: RunningKparty, policy: string, credential: string, holder = ed25519Identity()) {
  const challenge = await kparty.request('POST', '/v1/challenges', { body: { policy } });
  expect(challenge.status).toBe(201);
  const presentation = await presentJwtVp(holder, [credential], { nonce: challenge.body.challenge, aud: challenge.body.domain });
  return kparty.request('POST', '/v1/presentations/verify', { body: { policy, presentation } });
}

describe('KPARTY_DID_DRIVERS=pkh-did-resolver', () => {
  let kparty: RunningKparty;
  beforeAll(async () => {
    kparty = await startKparty({ env: { KPARTY_DID_DRIVERS: 'pkh-did-resolver' } });
  });
  afterAll(() => kparty?.stop());

  it('warns at start, naming the driver and its method', () => {
    const line = kparty
      .output()
      .split('\n')
      .find((l) => l.includes('"didDriver"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 40, didDriver: 'pkh-did-resolver', methods: ['did:pkh'] });
  });

  it('accepts a policy trusting a did:pkh issuer, and resolves that issuer through the driver', async () => {
    const holder = ed25519Identity();
    const { did, jwt } = await pkhCredential(holder.did);
    const put = await kparty.request('PUT', '/v1/admin/policies/pkh-portal', { key: TEST_ADMIN_KEY, body: policyTrusting('pkh-portal', did) });
    expect(put.status).toBe(201);
    const reply = await verifyWith(kparty, 'pkh-portal', jwt, holder);
    expectProblem(reply, 422, 'presentation.rejected');
    const codes: string[] = reply.body.errors.map((e: { code: string }) => e.code);
    // Resolved: neither unsupported nor unresolvable. Refused for its key: a did:pkh document names an account, not a public key.
    expect(codes).not.toContain('did.method_unsupported');
    expect(codes).not.toContain('did.unresolvable');
    expect(reply.body.errors).toContainEqual({ code: 'did.key_not_found', path: 'credentials[0]', detail: 'the verification method has no single public key' });
    expect(codes).not.toContain('presentation.holder_mismatch');
  });

  it('answers did.unresolvable for a did:pkh the driver refuses', async () => {
    const bad = await kparty.request('PUT', '/v1/admin/policies/pkh-any', { key: TEST_ADMIN_KEY, body: policyTrusting('pkh-any', '*') });
    expect(bad.status).toBe(201);
    const holder = ed25519Identity();
    const { jwt } = await pkhCredential(holder.did);
    const forged = jwt.replace(
      /^[^.]+/,
      Buffer.from(JSON.stringify({ alg: 'ES256K-R', typ: 'JWT', kid: 'did:pkh:nochain:1:0xab#blockchainAccountId' })).toString('base64url'),
    );
    const payload = JSON.parse(Buffer.from(forged.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    const rewritten = [
      forged.split('.')[0],
      Buffer.from(JSON.stringify({ ...payload, iss: 'did:pkh:nochain:1:0xab' })).toString('base64url'),
      forged.split('.')[2],
    ].join('.');
    const reply = await verifyWith(kparty, 'pkh-any', rewritten);
    expectProblem(reply, 422, 'presentation.rejected');
    expect(reply.body.errors).toContainEqual(
      expect.objectContaining({ code: 'did.unresolvable', detail: expect.stringContaining('did:pkh resolution failed') }),
    );
  });
});

describe('without KPARTY_DID_DRIVERS', () => {
  let kparty: RunningKparty;
  beforeAll(async () => {
    kparty = await startKparty();
  });
  afterAll(() => kparty?.stop());

  it('refuses a policy trusting a did:pkh issuer: the method is not supported', async () => {
    const { did } = await pkhCredential(ed25519Identity().did);
    const put = await kparty.request('PUT', '/v1/admin/policies/pkh-portal', { key: TEST_ADMIN_KEY, body: policyTrusting('pkh-portal', did) });
    expectProblem(put, 400, 'policy.invalid');
    expect(put.body.errors).toEqual([
      expect.objectContaining({ path: '/credentials/0/trustedIssuers/0', detail: expect.stringContaining('DID method "pkh" is not supported') }),
    ]);
  });

  it('refuses a driver package that is not installed, in one line', async () => {
    const { startExpectingFailure } = await import('./harness.js');
    const { code, output } = await startExpectingFailure({ KPARTY_DID_DRIVERS: 'no-such-did-driver' });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain('KPARTY_DID_DRIVERS: cannot load no-such-did-driver');
  });
});
