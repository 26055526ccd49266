/**
 * Hostile presentations of today's formats (VP-JWT with VC-DM 1.1 `vc`
 * credentials, VC-DM 2.0 `vp+jwt`/`vc+jwt`): contradictory duplicated claims
 * (issue 11 finding 6), small-order Ed25519 holders (finding 4), and
 * structurally broken JWTs.
 */
import { bytesToBase58 } from 'did-jwt';
import type { HostileEntry } from '../hostile-entry.js';

const verify = (policy: string, presentation: unknown) => ({ method: 'POST', url: '/v1/presentations/verify', body: { policy, presentation } });
const rejected = (...errors: string[]) => ({ status: 422, code: 'presentation.rejected', errors });
const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const now = (): number => Math.floor(Date.now() / 1000);

/** The neutral element and an order-8 point, as did:key holders with R = identity, S = 0 signatures. */
const SMALL_ORDER_KEYS = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
];
const smallOrderDid = (hex: string): string => `did:key:z${bytesToBase58(Uint8Array.from([0xed, 0x01, ...Buffer.from(hex, 'hex')]))}`;
/** R = encoding of the identity, S = 0: "verifies" under a small-order key in libraries that do not check keys. */
const FORGED_SIGNATURE = Buffer.concat([Buffer.from(SMALL_ORDER_KEYS[0]!, 'hex'), Buffer.alloc(32)]).toString('base64url');

export const credentialEntries: HostileEntry[] = [
  // Finding 6: duplicated claims that disagree.
  {
    name: 'VC-JWT "exp" differs from "vc.expirationDate"',
    request: async (c) =>
      verify(
        c.policyId,
        await c.vpJwt([await c.vcJwt((p) => ((p.exp = now() + 3600), ((p.vc as Record<string, unknown>).expirationDate = iso(now() + 7200))))]),
      ),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'VC-JWT "nbf" differs from "vc.issuanceDate"',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => ((p.vc as Record<string, unknown>).issuanceDate = iso(now() - 7200)))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'VC-JWT "jti" differs from "vc.id"',
    request: async (c) =>
      verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => ((p.jti = 'urn:uuid:1'), ((p.vc as Record<string, unknown>).id = 'urn:uuid:2')))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'vc+jwt "nbf" differs from "validFrom"',
    request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => (p.nbf = now() - 7200))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'vc+jwt "exp" differs from "validUntil"',
    request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => ((p.validUntil = iso(now() + 3600)), (p.exp = now() + 9000)))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'vc+jwt "jti" differs from "id"',
    request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => ((p.jti = 'urn:uuid:1'), (p.id = 'urn:uuid:2')))])),
    expect: rejected('credential.malformed'),
  },
  // Finding 4: a holder whose did:key is a small-order point signs nothing, yet "verifies" R = identity, S = 0.
  ...SMALL_ORDER_KEYS.map((hex): HostileEntry => ({
    name: `VP-JWT from a small-order did:key holder (${hex.slice(0, 8)}…) with R = identity, S = 0`,
    request: async (c) => {
      const holder = smallOrderDid(hex);
      const credential = await c.vcJwt((p) => (p.sub = holder));
      const header = b64u({ alg: 'EdDSA', kid: `${holder}#${holder.slice('did:key:'.length)}` });
      const payload = b64u({
        iss: holder,
        aud: c.audience,
        nonce: await c.challenge(),
        iat: now(),
        vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: [credential] },
      });
      return verify(c.policyId, `${header}.${payload}.${FORGED_SIGNATURE}`);
    },
    expect: rejected('did.unresolvable'),
  })),
  {
    name: 'VC-JWT issued by a small-order did:key with R = identity, S = 0',
    request: async (c) => {
      const issuer = smallOrderDid(SMALL_ORDER_KEYS[1]!);
      const header = b64u({ alg: 'EdDSA', kid: `${issuer}#${issuer.slice('did:key:'.length)}` });
      const payload = b64u({
        iss: issuer,
        sub: c.holder.did,
        nbf: now() - 60,
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential', 'EmployeeCredential'],
          credentialSubject: { role: 'staff' },
        },
      });
      return verify(c.policyId, await c.vpJwt([`${header}.${payload}.${FORGED_SIGNATURE}`]));
    },
    expect: rejected('did.unresolvable'),
  },
  // Structure.
  ...[
    ['an empty string', ''],
    ['a number', 42],
    ['null', null],
    ['an array', ['a.b.c']],
  ].map(([label, presentation]): HostileEntry => ({
    name: `presentation (request shape): ${String(label)}`,
    request: (c) => verify(c.policyId, presentation),
    expect: { status: 400, code: 'request.invalid' },
  })),
  ...[
    ['two parts', 'eyJhbGciOiJFZERTQSJ9.eyJ9'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'eyJ*.eyJ.sig'],
    ['a header that is not JSON', `${b64u('not json')}.${b64u({})}.c2ln`],
    ['a header that is a JSON array', `${b64u([1])}.${b64u({})}.c2ln`],
    ['a header without alg', `${b64u({ typ: 'JWT' })}.${b64u({ vp: {} })}.c2ln`],
    ['alg none', `${b64u({ alg: 'none' })}.${b64u({ vp: {} })}.`],
    ['a numeric kid', `${b64u({ alg: 'EdDSA', kid: 7 })}.${b64u({ vp: {} })}.c2ln`],
    ['crit not an array', `${b64u({ alg: 'EdDSA', crit: 'b64' })}.${b64u({ vp: {} })}.c2ln`],
    ['a payload that is a string', `${b64u({ alg: 'EdDSA' })}.${b64u('"x"')}.c2ln`],
    ['a 600 KiB JWS', `${b64u({ alg: 'EdDSA' })}.${'A'.repeat(600 * 1024)}.c2ln`],
  ].map(([label, presentation]): HostileEntry => ({
    name: `presentation: ${String(label)}`,
    request: (c) => verify(c.policyId, presentation),
    expect: { status: 422, code: 'presentation.rejected', errors: ['presentation.malformed'] },
  })),
  {
    name: 'VP-JWT "aud" an object',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt()], (p) => (p.aud = { a: 1 }))),
    expect: rejected('presentation.malformed'),
  },
  {
    name: 'VP-JWT "nonce" a number',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt()], (p) => (p.nonce = 12345))),
    expect: rejected('presentation.malformed'),
  },
  {
    name: 'VP-JWT with 21 credentials',
    request: async (c) => {
      const vc = await c.vcJwt();
      return verify(c.policyId, await c.vpJwt(Array<string>(21).fill(vc)));
    },
    expect: rejected('presentation.malformed'),
  },
  {
    name: 'VP-JWT for another audience',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt()], (p) => (p.aud = 'https://elsewhere.example.com'))),
    expect: rejected('audience.mismatch'),
  },
  {
    name: 'VP-JWT with an unknown challenge',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt()], (p) => (p.nonce = 'A'.repeat(43)))),
    expect: rejected('challenge.unknown'),
  },
  {
    name: 'VP-JWT without a challenge',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt()], (p) => delete p.nonce)),
    expect: rejected('challenge.missing'),
  },
  {
    name: 'VP-JWT whose credential names an unsupported DID method issuer',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => (p.iss = 'did:example:123'))])),
    expect: rejected('did.method_unsupported'),
  },
  {
    name: 'VC-JWT "vc.credentialSubject" an empty array',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => ((p.vc as Record<string, unknown>).credentialSubject = []))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'VC-JWT without "vc"',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => delete p.vc)])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'VC-JWT "vc.type" without VerifiableCredential',
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => ((p.vc as Record<string, unknown>).type = ['EmployeeCredential']))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'VC-JWT whose signature was made by someone else (payload changed)',
    request: async (c) => {
      const [h, , s] = (await c.vcJwt()).split('.');
      const changed = b64u({
        iss: c.issuer.did,
        sub: c.holder.did,
        nbf: now() - 60,
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential', 'EmployeeCredential'],
          credentialSubject: { role: 'admin' },
        },
      });
      return verify(c.policyId, await c.vpJwt([`${h}.${changed}.${s}`]));
    },
    expect: rejected('credential.signature_invalid'),
  },
  {
    name: 'vc+jwt with "typ" JWT',
    request: async (c) => {
      const [, p, s] = (await c.vcJwtV2()).split('.');
      return verify(c.policyV2Id, await c.vpJwtV2([`${b64u({ alg: 'EdDSA', typ: 'JWT', kid: c.issuer.kid })}.${p}.${s}`]));
    },
    expect: rejected('credential.malformed'),
  },
  {
    name: 'vc+jwt "@context" not starting with the v2 context',
    request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => (p['@context'] = ['https://www.w3.org/2018/credentials/v1']))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'vc+jwt "validFrom" without a time zone',
    request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => (p.validFrom = '2025-01-01T00:00:00'))])),
    expect: rejected('credential.malformed'),
  },
  {
    name: 'vc+jwt "validFrom" a number',
    request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => (p.validFrom = 1735689600))])),
    expect: rejected('credential.malformed'),
  },
];
