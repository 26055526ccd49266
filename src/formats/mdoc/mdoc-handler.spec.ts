import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { fixedClock } from '../../core/clock.js';
import type { CredentialQuery, PresentationPolicy } from '../../core/model/policy.js';
import { DidResolver } from '../../did/did-resolver.js';
import { MemoryNonceStore } from '../../storage/memory/memory-nonce-store.js';
import { StatusCheckerRegistry, type StatusChecker } from '../../status/index.js';
import { TrustAnchorStore } from '../../trust/index.js';
import { fromVpToken, singlePresentation, type SubmissionBinding } from '../../verification/submission.js';
import type { VerificationDependencies } from '../../verification/verification-context.js';
import { verifySubmission } from '../../verification/verify-submission.js';
import { FormatRegistry } from '../format-registry.js';
import { toDcqlQuery } from '../../policy/dcql-query.js';
import { validatePolicy } from '../../policy/validate-policy.js';
import { DeviceKeyInfo, IssuerNamespaces, IssuerSigned, ValidityInfo, ValueDigests } from '@owf/mdoc';
import {
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  PID_DOCTYPE,
  issue,
  makeDeviceKey,
  makeDocumentSigner,
  makeIaca,
  present,
  signRawMso,
  type DeviceKeyPair,
  type TestCertificate,
  type WalletRequest,
} from './__fixtures__/mdoc-test-bed.js';
import { createMdocHandler } from './mdoc-handler.js';
import { anchoredChainValidator } from './chain-validator.js';

/**
 * The mso_mdoc format handler inside the verification pipeline
 * (verifySubmission, OpenID4VP binding): DeviceResponses from @owf/mdoc's
 * issuer and wallet, the IACA as trust anchor.
 */
const CLIENT_ID = 'x509_san_dns:verifier.example';
const RESPONSE_URI = 'https://verifier.example/v1/oid4vp/responses/r1';
const NONCE = 'oid4vp-nonce-0123456789abcdefghijklmnopqrs';
const thumbprint = new Uint8Array(createHash('sha256').update('request encryption key').digest());
const binding: SubmissionBinding = {
  kind: 'oid4vp',
  nonce: NONCE,
  clientId: CLIENT_ID,
  responseUri: RESPONSE_URI,
  responseEncryptionJwkThumbprint: thumbprint,
};
const wallet: WalletRequest = { clientId: CLIENT_ID, nonce: NONCE, responseUri: RESPONSE_URI, jwkThumbprint: thumbprint };

let iaca: TestCertificate;
let signer: TestCertificate;
let device: DeviceKeyPair;
let deps: VerificationDependencies;
let statusEntries: unknown[];

beforeAll(async () => {
  iaca = await makeIaca();
  signer = await makeDocumentSigner(iaca);
  device = makeDeviceKey();
});

beforeEach(() => {
  statusEntries = [];
  const recordingStatus: StatusChecker = {
    mechanism: 'status_list',
    supports: (entry) => typeof entry === 'object' && entry !== null && 'status_list' in entry,
    check: async ({ entry }) => {
      statusEntries.push(entry);
      return { state: 'valid' };
    },
  };
  deps = {
    formats: new FormatRegistry([
      createMdocHandler({ validateChain: anchoredChainValidator(TrustAnchorStore.fromPem([new X509Certificate(iaca.der).toString()])) }),
    ]),
    dids: new DidResolver([]),
    nonces: new MemoryNonceStore(),
    clock: fixedClock(Date.now()),
    clockSkewSeconds: 60,
    status: new StatusCheckerRegistry([recordingStatus]),
  };
});

function mdlQuery(overrides: Partial<CredentialQuery> = {}): CredentialQuery {
  return {
    id: 'mdl',
    format: 'mso_mdoc',
    meta: { doctype_value: MDL_DOCTYPE } as CredentialQuery['meta'],
    claims: [{ path: [MDL_NAMESPACE, 'family_name'] }, { path: [MDL_NAMESPACE, 'age_over_18'], values: [true] }],
    trustedIssuers: ['*'],
    ...overrides,
  };
}

function policy(overrides: Partial<PresentationPolicy> = {}): PresentationPolicy {
  return {
    id: 'mdl-login',
    audience: CLIENT_ID,
    credentials: [mdlQuery()],
    session: { claims: { family_name: ['mdl', MDL_NAMESPACE, 'family_name'] } },
    ...overrides,
  };
}

/** base64url Subject Key Identifier of a certificate (the DCQL `aki` value), read with @peculiar/x509. */
function subjectKeyId(der: Uint8Array): string {
  const ext = new x509.X509Certificate(der).getExtension(x509.SubjectKeyIdentifierExtension);
  return Buffer.from((ext as x509.SubjectKeyIdentifierExtension).keyId, 'hex').toString('base64url');
}

const codes = (result: { failures: readonly { code: string }[] }): string[] => result.failures.map((f) => f.code);

describe('mso_mdoc through verifySubmission (OpenID4VP binding)', () => {
  it('verifies an mDL: subject = device key thumbprint URI, only the asked claims, session claims from [namespace, element]', async () => {
    const vp = await present(await issue({ signer, device }), device, wallet);
    const result = await verifySubmission(policy(), fromVpToken({ mdl: [vp] }), binding, deps);
    expect(result.failures).toEqual([]);
    expect(result.verified).toBe(true);
    expect(result.subject).toMatch(/^urn:ietf:params:oauth:jwk-thumbprint:sha-256:/);
    expect(result.credentials[0]).toMatchObject({
      format: 'mso_mdoc',
      issuer: `x509_hash:${createHash('sha256').update(signer.der).digest('base64url')}`,
      types: [MDL_DOCTYPE],
      claims: { [MDL_NAMESPACE]: { family_name: 'Mustermann', age_over_18: true } },
    });
    expect(result.sessionClaims).toEqual({ family_name: 'Mustermann' });
  });

  it('hands the MSO status reference (Token Status List) to the status checkers', async () => {
    const now = Date.now();
    const mso = new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', ValueDigests.create({ digests: new Map() }).encodedStructure],
      ['deviceKeyInfo', DeviceKeyInfo.create({ deviceKey: device.publicKey }).encodedStructure],
      ['docType', MDL_DOCTYPE],
      [
        'validityInfo',
        ValidityInfo.create({ signed: new Date(now - 60_000), validFrom: new Date(now - 60_000), validUntil: new Date(now + 86_400_000) }).encodedStructure,
      ],
      [
        'status',
        new Map([
          [
            'status_list',
            new Map<string, unknown>([
              ['idx', 7],
              ['uri', 'https://issuer.example/status/1'],
            ]),
          ],
        ]),
      ],
    ]);
    const issuerSigned = IssuerSigned.create({
      issuerNamespaces: IssuerNamespaces.create({ issuerNamespaces: new Map() }),
      issuerAuth: await signRawMso(mso, signer),
    });
    const vp = await present(issuerSigned, device, wallet, { docType: MDL_DOCTYPE });
    const result = await verifySubmission(policy({ credentials: [mdlQuery({ claims: undefined })], session: {} }), fromVpToken({ mdl: [vp] }), binding, deps);
    expect(result.failures).toEqual([]);
    expect(statusEntries).toEqual([{ status_list: { idx: 7, uri: 'https://issuer.example/status/1' } }]);
  });

  it('refuses a DeviceResponse signed for another request (presentation.signature_invalid)', async () => {
    const vp = await present(await issue({ signer, device }), device, { ...wallet, nonce: 'another-nonce-another-nonce-another-nonce' });
    const result = await verifySubmission(policy(), fromVpToken({ mdl: [vp] }), binding, deps);
    expect(result.verified).toBe(false);
    expect(codes(result)).toContain('presentation.signature_invalid');
  });

  it('refuses a document signer outside the anchors (credential.issuer_untrusted)', async () => {
    const stranger = await makeDocumentSigner(await makeIaca({ name: 'unknown IACA' }));
    const vp = await present(await issue({ signer: stranger, device }), device, wallet);
    const result = await verifySubmission(policy(), fromVpToken({ mdl: [vp] }), binding, deps);
    expect(codes(result)).toContain('credential.issuer_untrusted');
  });

  it('trusts through DCQL trusted_authorities (aki of the IACA) without trustedIssuers, and refuses another aki', async () => {
    const vp = await present(await issue({ signer, device }), device, wallet);
    const iacaAki = subjectKeyId(iaca.der);
    const trusted = policy({
      credentials: [mdlQuery({ trustedIssuers: undefined, trusted_authorities: [{ type: 'aki', values: [iacaAki] }] } as Partial<CredentialQuery>)],
    });
    const ok = await verifySubmission(trusted, fromVpToken({ mdl: [vp] }), binding, deps);
    expect(ok.failures).toEqual([]);
    const other = policy({
      credentials: [
        mdlQuery({ trustedIssuers: undefined, trusted_authorities: [{ type: 'aki', values: ['AAAAAAAAAAAAAAAAAAAAAAAAAAA'] }] } as Partial<CredentialQuery>),
      ],
    });
    const refused = await verifySubmission(other, fromVpToken({ mdl: [vp] }), binding, deps);
    expect(codes(refused)).toContain('credential.issuer_untrusted');
  });

  it('names the issuer by x509_hash in trustedIssuers', async () => {
    const vp = await present(await issue({ signer, device }), device, wallet);
    const hash = `x509_hash:${createHash('sha256').update(signer.der).digest('base64url')}`;
    expect(
      (await verifySubmission(policy({ credentials: [mdlQuery({ trustedIssuers: [hash] })] }), fromVpToken({ mdl: [vp] }), binding, deps)).failures,
    ).toEqual([]);
    const otherHash = `x509_hash:${createHash('sha256').update('another certificate').digest('base64url')}`;
    const refused = await verifySubmission(policy({ credentials: [mdlQuery({ trustedIssuers: [otherHash] })] }), fromVpToken({ mdl: [vp] }), binding, deps);
    expect(codes(refused)).toContain('credential.issuer_untrusted');
  });

  it('refuses an mDL for a PID query (credential.type_mismatch from meta.doctype_value)', async () => {
    const vp = await present(await issue({ signer, device }), device, wallet);
    const pidPolicy = policy({
      credentials: [mdlQuery({ id: 'pid', meta: { doctype_value: PID_DOCTYPE } as CredentialQuery['meta'], claims: [{ path: [PID_DOCTYPE, 'family_name'] }] })],
      session: {},
    });
    const result = await verifySubmission(pidPolicy, fromVpToken({ pid: [vp] }), binding, deps);
    expect(result.verified).toBe(false);
    expect(codes(result)).toContain('credential.type_mismatch');
  });

  it('refuses an expired MSO through the validity-period check (credential.expired)', async () => {
    const now = Date.now();
    const old = await issue({
      signer,
      device,
      validity: { signed: new Date(now - 9e8), validFrom: new Date(now - 9e8), validUntil: new Date(now - 86_400_000) },
    });
    const result = await verifySubmission(policy(), fromVpToken({ mdl: [await present(old, device, wallet)] }), binding, deps);
    expect(codes(result)).toContain('credential.expired');
  });

  it('measures maxAgeSeconds from the MSO validityInfo.signed (credential.too_old)', async () => {
    const now = Date.now();
    const older = await issue({
      signer,
      device,
      validity: { signed: new Date(now - 2 * 86_400_000), validFrom: new Date(now - 2 * 86_400_000), validUntil: new Date(now + 86_400_000) },
    });
    const vp = await present(older, device, wallet);
    expect(codes(await verifySubmission(policy({ credentials: [mdlQuery({ maxAgeSeconds: 3600 })] }), fromVpToken({ mdl: [vp] }), binding, deps))).toContain(
      'credential.too_old',
    );
    expect(
      (await verifySubmission(policy({ credentials: [mdlQuery({ maxAgeSeconds: 3 * 86_400 })] }), fromVpToken({ mdl: [vp] }), binding, deps)).failures,
    ).toEqual([]);
  });

  it('refuses a claim value the query does not accept (age_over_18 false)', async () => {
    const minor = await issue({ signer, device, namespaces: { [MDL_NAMESPACE]: { family_name: 'Kid', age_over_18: false } } });
    const result = await verifySubmission(policy(), fromVpToken({ mdl: [await present(minor, device, wallet)] }), binding, deps);
    expect(result.verified).toBe(false);
    expect(codes(result).some((code) => code === 'credential.claim_value' || code === 'policy.unsatisfied')).toBe(true);
  });

  it('answers presentation.format_unsupported under a challenge binding (POST /v1/presentations/verify)', async () => {
    const vp = await present(await issue({ signer, device }), device, wallet);
    await deps.nonces.issue({ nonce: NONCE, policyId: 'mdl-login', domain: CLIENT_ID, createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
    const result = await verifySubmission(policy(), singlePresentation(vp), { kind: 'challenge' }, deps);
    expect(result.failures).toEqual([expect.objectContaining({ code: 'presentation.format_unsupported', detail: expect.stringContaining('OpenID4VP') })]);
  });

  it('is valid as a policy and hands wallets meta.doctype_value and intent_to_retain in the DCQL', () => {
    const mdl = policy({ credentials: [mdlQuery({ claims: [{ path: [MDL_NAMESPACE, 'family_name'], intent_to_retain: true }] })] });
    expect(validatePolicy(mdl as unknown as Record<string, unknown>, { sessionMaxTtl: 3600 })).toMatchObject({ ok: true });
    expect(toDcqlQuery(mdl).credentials[0]).toEqual({
      id: 'mdl',
      format: 'mso_mdoc',
      meta: { doctype_value: MDL_DOCTYPE },
      claims: [{ path: [MDL_NAMESPACE, 'family_name'], intent_to_retain: true }],
      // holderBinding "required" (the default): wallets are told the DeviceAuth proof is needed.
      require_cryptographic_holder_binding: true,
    });
  });

  it('refuses a CBOR bomb in the vp_token as presentation.malformed', async () => {
    const bomb = Buffer.from([0xa1, 0x67, ...Buffer.from('version'), ...new Array(60).fill(0x81), 0]).toString('base64url');
    const result = await verifySubmission(policy(), fromVpToken({ mdl: [bomb] }), binding, deps);
    expect(codes(result)).toEqual(['presentation.malformed']);
  });
});
