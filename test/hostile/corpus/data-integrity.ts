/**
 * Hostile Data Integrity presentations (ldp_vp, W3C VC Data Integrity 1.0)
 * through POST /v1/presentations/verify: remote and unknown @context, deep
 * nesting, huge arrays, blank-node rings (RDFC-1.0 poison graphs), unknown
 * cryptosuites, undefined terms, forged proofs (docs/security.md, the JSON-LD
 * caps KPARTY_JSONLD_*).
 */
import type { HostileContext, HostileEntry, HostileRequest } from '../hostile-entry.js';

const V2 = 'https://www.w3.org/ns/credentials/v2';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const PROOF_VALUE = `z${'3'.repeat(86)}`;

function credential(c: HostileContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': [V2],
    type: ['VerifiableCredential', 'EmployeeCredential'],
    issuer: c.issuer.did,
    credentialSubject: { id: c.holder.did, role: 'staff' },
    proof: {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      verificationMethod: `${c.issuer.did}#${c.issuer.did.slice(8)}`,
      proofPurpose: 'assertionMethod',
      created: '2025-01-01T00:00:00Z',
      proofValue: PROOF_VALUE,
    },
    ...extra,
  };
}

async function presentation(
  c: HostileContext,
  change: (vp: Record<string, unknown>, proof: Record<string, unknown>) => void = () => undefined,
): Promise<HostileRequest> {
  const challenge = await c.challenge(c.ldpPolicyId);
  const proof: Record<string, unknown> = {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    verificationMethod: `${c.holder.did}#${c.holder.did.slice(8)}`,
    proofPurpose: 'authentication',
    created: '2025-01-01T00:00:00Z',
    challenge,
    domain: c.audience,
    proofValue: PROOF_VALUE,
  };
  const vp: Record<string, unknown> = {
    '@context': [V2],
    type: ['VerifiablePresentation'],
    holder: c.holder.did,
    verifiableCredential: [credential(c)],
    proof,
  };
  change(vp, proof);
  return { method: 'POST', url: '/v1/presentations/verify', body: { policy: c.ldpPolicyId, presentation: vp } };
}

const rejected = (...errors: string[]) => ({ status: 422, code: 'presentation.rejected', ...(errors.length > 0 ? { errors } : {}) });
const nest = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { nested: value };
  return value;
};
/** n blank nodes, each linked to every other: RDFC-1.0's worst case (all nodes hash alike). */
const blankRing = (n: number): unknown[] =>
  Array.from({ length: n }, (_, i) => ({ '@id': `_:b${i}`, knows: Array.from({ length: n }, (_, j) => ({ '@id': `_:b${j}` })).filter((_, j) => j !== i) }));

export const dataIntegrityEntries: HostileEntry[] = [
  { name: 'ldp_vp: forged holder proofValue', request: (c) => presentation(c), expect: rejected() },
  {
    name: 'ldp_vp: remote @context on a private address',
    request: (c) => presentation(c, (vp) => (vp['@context'] = [V2, 'http://169.254.169.254/context.jsonld'])),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: remote @context on loopback',
    request: (c) => presentation(c, (vp) => (vp['@context'] = [V2, 'http://127.0.0.1:1/ctx'])),
    expect: rejected(),
  },
  { name: 'ldp_vp: @context a file: URL', request: (c) => presentation(c, (vp) => (vp['@context'] = [V2, 'file:///etc/passwd'])), expect: rejected() },
  {
    name: 'ldp_vp: inline @context redefining "VerifiablePresentation"',
    request: (c) => presentation(c, (vp) => (vp['@context'] = [V2, { '@protected': false, VerifiablePresentation: 'https://evil.example/VP' }])),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: @context with @import',
    request: (c) => presentation(c, (vp) => (vp['@context'] = [V2, { '@import': 'https://evil.example/ctx' }])),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: VC-DM 1.1 context with an undefined term',
    request: (c) => presentation(c, (vp) => ((vp['@context'] = [V1]), (vp.undefinedTerm = 'x'))),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: credential nested 100 deep',
    request: (c) =>
      presentation(c, (vp) => (vp.verifiableCredential = [credential(c, { credentialSubject: { id: c.holder.did, role: 'staff', deep: nest(100) } })])),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: presentation nested 5000 deep',
    request: async (c) => {
      const request = await presentation(c, (vp) => (vp.extra = 'DEEP'));
      const raw = JSON.stringify(request.body).replace('"DEEP"', `${'{"nested":'.repeat(5000)}"leaf"${'}'.repeat(5000)}`);
      return { method: request.method, url: request.url, raw, headers: { 'content-type': 'application/json' } };
    },
    expect: rejected(),
  },
  {
    name: 'ldp_vp: 100000-element array',
    request: (c) =>
      presentation(
        c,
        (vp) =>
          (vp.verifiableCredential = [
            credential(c, { credentialSubject: { id: c.holder.did, role: 'staff', list: Array.from({ length: 100_000 }, (_, i) => i) } }),
          ]),
      ),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: 500 credentials',
    request: (c) => presentation(c, (vp) => (vp.verifiableCredential = Array.from({ length: 500 }, () => credential(c)))),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: blank-node ring of 12 in the subject',
    request: (c) =>
      presentation(c, (vp) => (vp.verifiableCredential = [credential(c, { credentialSubject: { id: c.holder.did, role: 'staff', knows: blankRing(12) } })])),
    expect: rejected(),
  },
  { name: 'ldp_vp: blank-node ring of 200 in the presentation', request: (c) => presentation(c, (vp) => (vp.knows = blankRing(40))), expect: rejected() },
  { name: 'ldp_vp: unknown cryptosuite', request: (c) => presentation(c, (_vp, proof) => (proof.cryptosuite = 'rot13-2025')), expect: rejected() },
  { name: 'ldp_vp: cryptosuite a number', request: (c) => presentation(c, (_vp, proof) => (proof.cryptosuite = 7)), expect: rejected() },
  {
    name: 'ldp_vp: legacy Ed25519Signature2018 proof',
    request: (c) => presentation(c, (_vp, proof) => ((proof.type = 'Ed25519Signature2018'), delete proof.cryptosuite, (proof.jws = 'a..b'))),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: 50 proofs',
    request: (c) => presentation(c, (vp, proof) => (vp.proof = Array.from({ length: 50 }, () => ({ ...proof })))),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: proof chain with a previousProof loop',
    request: (c) =>
      presentation(
        c,
        (vp, proof) =>
          (vp.proof = [
            { ...proof, id: 'urn:a', previousProof: 'urn:b' },
            { ...proof, id: 'urn:b', previousProof: 'urn:a' },
          ]),
      ),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: proofPurpose assertionMethod for the holder',
    request: (c) => presentation(c, (_vp, proof) => (proof.proofPurpose = 'assertionMethod')),
    expect: rejected(),
  },
  {
    name: 'ldp_vp: verificationMethod on a private did:web',
    request: (c) => presentation(c, (vp, proof) => ((proof.verificationMethod = 'did:web:169.254.169.254#k'), (vp.holder = 'did:web:169.254.169.254'))),
    expect: rejected(),
  },
  { name: 'ldp_vp: proofValue not multibase', request: (c) => presentation(c, (_vp, proof) => (proof.proofValue = 'not multibase!')), expect: rejected() },
  { name: 'ldp_vp: proofValue of 100 KB', request: (c) => presentation(c, (_vp, proof) => (proof.proofValue = `z${'1'.repeat(100_000)}`)), expect: rejected() },
  { name: 'ldp_vp: no proof', request: (c) => presentation(c, (vp) => delete vp.proof), expect: rejected() },
  {
    name: 'ldp_vp: __proto__ member in the subject',
    request: (c) => ({
      method: 'POST',
      url: '/v1/presentations/verify',
      raw: `{"policy":"${c.ldpPolicyId}","presentation":{"@context":["${V2}"],"type":["VerifiablePresentation"],"__proto__":{"holder":"x"}}}`,
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 400, code: 'request.invalid' },
  },
  // Dates (docs/security.md row 2) are read whatever the proof says.
  ...['+275760-09-13T00:00:00Z', '99999-12-31T23:59:59Z', '2025-02-30T00:00:00Z', '2025-01-01T24:00:01Z', '-0001-01-01T00:00:00Z', 'now'].map(
    (date): HostileEntry => ({
      name: `ldp_vc validUntil ${date}`,
      request: (c) => presentation(c, (vp) => (vp.verifiableCredential = [credential(c, { validFrom: '2020-01-01T00:00:00Z', validUntil: date })])),
      expect: rejected('credential.malformed'),
    }),
  ),
  // Enveloped credentials (VC-JOSE-COSE) inside an ldp_vp.
  ...[
    'data:application/vc+jwt,garbage',
    'data:application/vc+jwt;base64,Z2FyYmFnZQ==',
    'data:application/dc+sd-jwt,a~b~',
    'data:application/vc+cose;base64,oA',
    'data:,',
    'http://169.254.169.254/vc',
    `data:application/vc+jwt,${'a'.repeat(600_000)}`,
  ].map((id): HostileEntry => ({
    name: `ldp_vp with an EnvelopedVerifiableCredential ${id.slice(0, 48)}`,
    request: (c) => presentation(c, (vp) => (vp.verifiableCredential = [{ '@context': V2, id, type: 'EnvelopedVerifiableCredential' }])),
    expect: rejected(),
  })),
  {
    name: 'vc-api credential: an EnvelopedVerifiableCredential of garbage',
    request: (c) => ({
      method: 'POST',
      url: '/v1/vc-api/credentials/verify',
      key: c.rpKey,
      body: { verifiableCredential: { '@context': V2, id: 'data:application/vc+jwt,garbage', type: 'EnvelopedVerifiableCredential' } },
    }),
    expect: { status: 422, code: 'credential.rejected' },
  },
  { name: 'ldp_vp: type missing', request: (c) => presentation(c, (vp) => delete vp.type), expect: rejected() },
];
