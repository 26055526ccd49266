/**
 * Hostile SD-JWT VC presentations (`dc+sd-jwt`, RFC 9901 and SD-JWT VC)
 * through POST /v1/presentations/verify, built by hand so each can break one
 * rule: broken, unreferenced and duplicated disclosures, `__proto__` / `_sd` /
 * `...` claim names, disclosure counts past the cap, Key Binding JWTs missing
 * or with the wrong `typ`, `alg` none or a wrong `sd_hash`, x5c garbage, and an
 * https issuer whose metadata would be on a private address.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import type { HostileContext, HostileEntry, HostileRequest } from '../hostile-entry.js';

const VCT = 'urn:hostile:employee:1';
const b64u = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const digest = (disclosure: string): string => createHash('sha256').update(disclosure).digest('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const disclose = (...parts: unknown[]): string => b64u(parts);

interface Build {
  /** Disclosures presented (encoded); default: the `role` disclosure. */
  disclosures?: (role: string) => string[];
  /** Digests in the issuer JWT's `_sd`; default: those of `disclosures`. */
  digests?: (presented: string[]) => unknown;
  payload?: (payload: Record<string, unknown>) => void;
  header?: Record<string, unknown>;
  /** Rewrites the signed issuer JWT (alg swaps, stripped signatures). */
  tamper?: (jwt: string) => string;
  /** The KB-JWT: changes, or `false` for none, or a string to append as is. */
  kb?: false | string | { header?: Record<string, unknown>; payload?: (payload: Record<string, unknown>) => void };
}

async function sdJwt(c: HostileContext, build: Build = {}): Promise<string> {
  const role = disclose('c2FsdHNhbHRzYWx0', 'role', 'staff');
  const presented = build.disclosures ? build.disclosures(role) : [role];
  const payload: Record<string, unknown> = {
    iss: c.sdIssuer.did,
    iat: now() - 60,
    vct: VCT,
    cnf: { jwk: c.sdHolder.publicJwk },
    _sd_alg: 'sha-256',
    _sd: build.digests ? build.digests(presented) : presented.map(digest),
  };
  build.payload?.(payload);
  const issuerJwt = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'dc+sd-jwt', kid: c.sdIssuer.kid, ...build.header })
    .sign(await c.sdIssuer.key());
  const body = `${[build.tamper ? build.tamper(issuerJwt) : issuerJwt, ...presented].join('~')}~`;
  if (build.kb === false) return body;
  if (typeof build.kb === 'string') return body + build.kb;
  const kbPayload: Record<string, unknown> = { iat: now(), aud: c.audience, nonce: await c.challenge(c.sdPolicyId), sd_hash: digest(body) };
  build.kb?.payload?.(kbPayload);
  const kb = await new SignJWT(kbPayload).setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt', ...build.kb?.header }).sign(await c.sdHolder.key());
  return body + kb;
}

const verify = (c: HostileContext, presentation: unknown): HostileRequest => ({
  method: 'POST',
  url: '/v1/presentations/verify',
  body: { policy: c.sdPolicyId, presentation },
});
const entry = (name: string, build: Build, ...errors: string[]): HostileEntry => ({
  name: `dc+sd-jwt: ${name}`,
  request: async (c) => verify(c, await sdJwt(c, build)),
  expect: { status: 422, code: 'presentation.rejected', errors },
});
/** An https issuer (no DID) whose only key route is its x5c header. */
const x5c = (certs: unknown): Pick<Build, 'header' | 'payload'> => ({
  header: { kid: undefined, x5c: certs },
  payload: (p) => (p.iss = 'https://x5c-issuer.example'),
});

export const sdJwtEntries: HostileEntry[] = [
  // Disclosures (RFC 9901 §4.2, §7.1).
  entry('a disclosure that is not base64url', { disclosures: (r) => [r, '!!!'] }, 'sdjwt.disclosure_invalid'),
  entry('a disclosure that is not JSON', { disclosures: (r) => [r, b64u('{not json')] }, 'sdjwt.disclosure_invalid'),
  entry('a disclosure that is a JSON object', { disclosures: (r) => [r, b64u({ salt: 's', name: 'x' })] }, 'sdjwt.disclosure_invalid'),
  entry('a disclosure with four elements', { disclosures: (r) => [r, disclose('salt', 'a', 'b', 'c')] }, 'sdjwt.disclosure_invalid'),
  entry('a disclosure with a numeric salt', { disclosures: (r) => [r, disclose(1, 'a', 'b')] }, 'sdjwt.disclosure_invalid'),
  entry(
    'a disclosure nobody references',
    { disclosures: (r) => [r, disclose('salt0salt0', 'extra', 'x')], digests: (p) => [digest(p[0]!)] },
    'sdjwt.disclosure_invalid',
  ),
  entry('the same disclosure presented twice', { disclosures: (r) => [r, r], digests: (p) => [digest(p[0]!)] }, 'sdjwt.disclosure_invalid'),
  entry('a digest listed twice in _sd', { digests: (p) => [digest(p[0]!), digest(p[0]!)] }, 'sdjwt.disclosure_invalid'),
  // A "__proto__" claim is kept as an own property: were it to become the prototype, `role` would read "staff".
  entry(
    'a disclosure named "__proto__" carrying the required claim',
    { disclosures: () => [disclose('salt1salt1', '__proto__', { role: 'staff' })] },
    'policy.unsatisfied',
  ),
  entry(
    'a plain "__proto__" claim carrying the required claim',
    { disclosures: () => [], payload: (p) => Object.defineProperty(p, '__proto__', { value: { role: 'staff' }, enumerable: true }) },
    'policy.unsatisfied',
  ),
  entry('a disclosure named "_sd"', { disclosures: (r) => [r, disclose('salt2salt2', '_sd', ['x'])] }, 'sdjwt.disclosure_invalid'),
  entry('a disclosure named "..."', { disclosures: (r) => [r, disclose('salt3salt3', '...', 'x')] }, 'sdjwt.disclosure_invalid'),
  entry('a disclosure overriding a plain claim ("vct")', { disclosures: (r) => [r, disclose('salt4salt4', 'vct', 'urn:evil')] }, 'sdjwt.disclosure_invalid'),
  entry('an array-element disclosure in the object _sd', { disclosures: (r) => [r, disclose('salt5salt5', 'x')] }, 'sdjwt.disclosure_invalid'),
  entry(
    'an array entry {"...": digest} of an object disclosure',
    {
      disclosures: (r) => [r, disclose('salt6salt6', 'name', 'v')],
      payload: (p) => (p.list = [{ '...': digest(disclose('salt6salt6', 'name', 'v')) }]),
      digests: (ps) => [digest(ps[0]!)],
    },
    'sdjwt.disclosure_invalid',
  ),
  entry('_sd not an array', { digests: () => 'digest' }, 'sdjwt.disclosure_invalid'),
  entry('_sd holding a number', { digests: (p) => [...p.map(digest), 7] }, 'sdjwt.disclosure_invalid'),
  entry('_sd_alg md5', { payload: (p) => (p._sd_alg = 'md5') }, 'sdjwt.disclosure_invalid'),
  entry(
    '257 disclosures',
    { disclosures: (r) => [r, ...Array.from({ length: 256 }, (_, i) => disclose(`salt-${i}-salt`, `c${i}`, i))] },
    'presentation.malformed',
  ),
  entry('a disclosure of 70 KB', { disclosures: (r) => [r, disclose('saltsaltsalt', 'big', 'x'.repeat(70_000))] }, 'sdjwt.disclosure_invalid'),
  entry(
    '200 disclosures each referencing the next (recursive)',
    {
      disclosures: (r) => {
        const chain: string[] = [];
        let inner = disclose('s-last-salt', 'leaf', 1);
        chain.push(inner);
        for (let i = 0; i < 199; i += 1) {
          inner = disclose(`s-${i}-saltsalt`, `n${i}`, { _sd: [digest(inner)] });
          chain.push(inner);
        }
        return [r, ...chain];
      },
      digests: (p) => [digest(p[0]!), digest(p[p.length - 1]!)],
    },
    'sdjwt.disclosure_invalid',
  ),
  // Key Binding JWT (RFC 9901 §4.3, §7.3).
  entry('no KB-JWT under a holder-binding policy', { kb: false }, 'sdjwt.key_binding_invalid'),
  entry('KB-JWT typ JWT', { kb: { header: { typ: 'JWT' } } }, 'sdjwt.key_binding_invalid'),
  entry('KB-JWT without typ', { kb: { header: { typ: undefined } } }, 'sdjwt.key_binding_invalid'),
  entry(
    'KB-JWT alg none',
    { kb: `${b64u({ alg: 'none', typ: 'kb+jwt' })}.${b64u({ iat: now(), aud: 'https://hostile.example.com', nonce: 'x', sd_hash: 'x' })}.` },
    'sdjwt.key_binding_invalid',
  ),
  entry('KB-JWT sd_hash of another presentation', { kb: { payload: (p) => (p.sd_hash = 'A'.repeat(43)) } }, 'sdjwt.key_binding_invalid'),
  entry('KB-JWT without sd_hash', { kb: { payload: (p) => delete p.sd_hash } }, 'sdjwt.key_binding_invalid'),
  entry('KB-JWT a day old', { kb: { payload: (p) => (p.iat = now() - 86_400) } }, 'sdjwt.key_binding_invalid'),
  entry('KB-JWT from the future', { kb: { payload: (p) => (p.iat = now() + 3600) } }, 'sdjwt.key_binding_invalid'),
  entry('KB-JWT nonce not a challenge', { kb: { payload: (p) => (p.nonce = 'not-a-challenge') } }, 'challenge.unknown'),
  entry('KB-JWT for another audience', { kb: { payload: (p) => (p.aud = 'https://evil.example') } }, 'audience.mismatch'),
  entry('KB-JWT signed by the issuer, not the holder', { kb: 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImtiK2p3dCJ9.e30.AAAA' }, 'sdjwt.key_binding_invalid'),
  entry('a garbage KB-JWT', { kb: 'garbage' }, 'presentation.malformed'),
  entry(
    'cnf carrying a private key',
    { payload: (p) => (p.cnf = { jwk: p.cnf && (p.cnf as { jwk: object }).jwk ? { ...(p.cnf as { jwk: object }).jwk, d: 'AAAA' } : {} }) },
    'sdjwt.key_binding_invalid',
  ),
  entry('cnf a string', { payload: (p) => (p.cnf = 'did:key:z6Mk') }, 'sdjwt.key_binding_invalid'),
  // Issuer JWT and issuer keys.
  entry('issuer JWT typ JWT', { header: { typ: 'JWT' } }, 'credential.malformed'),
  entry('issuer JWT without vct', { payload: (p) => delete p.vct }, 'credential.malformed'),
  entry(
    'issuer JWT alg none, signature stripped',
    { tamper: (jwt) => `${b64u({ alg: 'none', typ: 'dc+sd-jwt' })}.${jwt.split('.')[1]!}.` },
    'credential.alg_forbidden',
  ),
  entry(
    "issuer JWT alg HS256 keyed with the issuer's public JWK",
    {
      tamper: (jwt) => {
        const head = `${b64u({ alg: 'HS256', typ: 'dc+sd-jwt' })}.${jwt.split('.')[1]!}`;
        return `${head}.${createHmac('sha256', JSON.stringify({ kty: 'EC' }))
          .update(head)
          .digest('base64url')}`;
      },
    },
    'credential.alg_forbidden',
  ),
  entry(
    'issuer JWT with an unknown crit extension',
    { tamper: (jwt) => `${b64u({ alg: 'ES256', typ: 'dc+sd-jwt', crit: ['x-evil'], 'x-evil': 1 })}.${jwt.split('.').slice(1).join('.')}` },
    'credential.signature_invalid',
  ),
  entry('issuer JWT expired', { payload: (p) => (p.exp = now() - 3600) }, 'credential.expired'),
  entry('issuer JWT not yet valid', { payload: (p) => (p.nbf = now() + 3600) }, 'credential.not_yet_valid'),
  entry('x5c of garbage base64', x5c(['!!!!']), 'credential.issuer_untrusted'),
  entry('x5c of a DER that is not a certificate', x5c([Buffer.from('not a certificate').toString('base64')]), 'credential.issuer_untrusted'),
  entry('x5c of 100 entries', x5c(Array.from({ length: 100 }, () => Buffer.alloc(300, 0x30).toString('base64'))), 'credential.issuer_untrusted'),
  entry('x5c not an array', x5c('MIIB'), 'credential.issuer_untrusted'),
  entry(
    'https issuer on a private address',
    { payload: (p) => (p.iss = 'https://169.254.169.254/issuer'), header: { kid: 'k1' } },
    'credential.issuer_untrusted',
  ),
  entry('https issuer on loopback', { payload: (p) => (p.iss = 'https://127.0.0.1:1/issuer'), header: { kid: 'k1' } }, 'credential.issuer_untrusted'),
  entry('http issuer', { payload: (p) => (p.iss = 'http://issuer.example') }, 'credential.issuer_untrusted'),
  entry(
    'did:web issuer on a private address',
    { payload: (p) => (p.iss = 'did:web:10.0.0.1'), header: { kid: 'did:web:10.0.0.1#k' } },
    'did.unresolvable',
    'credential.issuer_untrusted',
  ),
  // Format confusion and key substitution.
  {
    name: 'dc+sd-jwt: a valid SD-JWT presented under a jwt_vc_json policy',
    request: async (c) => ({ method: 'POST', url: '/v1/presentations/verify', body: { policy: c.policyId, presentation: await sdJwt(c) } }),
    expect: { status: 422, code: 'presentation.rejected' },
  },
  {
    name: 'dc+sd-jwt: a VP-JWT presented under the dc+sd-jwt policy',
    request: async (c) => verify(c, await c.vpJwt([await c.vcJwt()], undefined, c.sdPolicyId)),
    expect: { status: 422, code: 'presentation.rejected' },
  },
  {
    name: "dc+sd-jwt: KB-JWT signed by the issuer's key",
    request: async (c) => verify(c, await sdJwt(c, { payload: (p) => (p.cnf = { jwk: c.sdIssuer.publicJwk }) }).then((t) => t)),
    expect: { status: 422, code: 'presentation.rejected', errors: ['sdjwt.key_binding_invalid'] },
  },
  entry('cnf.kid a did:web on a private address', { payload: (p) => (p.cnf = { kid: 'did:web:192.168.0.1#k' }) }, 'did.unresolvable'),
  entry(
    'cnf.jwk a small-order Ed25519 key',
    { payload: (p) => (p.cnf = { jwk: { kty: 'OKP', crv: 'Ed25519', x: b64u(Buffer.concat([Buffer.from([1]), Buffer.alloc(31)])) } }) },
    'sdjwt.key_binding_invalid',
  ),
  entry('cnf.jwk a symmetric key', { payload: (p) => (p.cnf = { jwk: { kty: 'oct', k: b64u('secret') } }) }, 'sdjwt.key_binding_invalid'),
  entry('vct an object', { payload: (p) => (p.vct = { evil: true }) }, 'credential.malformed'),
  entry('vct of another type', { payload: (p) => (p.vct = 'urn:other:1') }, 'policy.unsatisfied'),
  entry('iss a number', { payload: (p) => (p.iss = 42) }, 'credential.malformed'),
  // Numeric dates (docs/security.md row 2): outside 0 … 253402300799 a date is malformed, not a validity verdict.
  entry('iat 1e300', { payload: (p) => (p.iat = 1e300) }, 'credential.malformed'),
  entry('exp 1e300', { payload: (p) => (p.exp = 1e300) }, 'credential.malformed'),
  entry('exp -1e13', { payload: (p) => (p.exp = -1e13) }, 'credential.malformed'),
  entry('nbf 1e13', { payload: (p) => (p.nbf = 1e13) }, 'credential.malformed'),
  entry('iat -1', { payload: (p) => (p.iat = -1) }, 'credential.malformed'),
  // Whole-string shape.
  {
    name: 'dc+sd-jwt: no tilde at all',
    request: async (c) => verify(c, (await sdJwt(c, { kb: false })).slice(0, -1).split('~')[0]),
    expect: { status: 422, code: 'presentation.rejected' },
  },
  {
    name: 'dc+sd-jwt: 600 KB string',
    request: (c) => verify(c, `${'a'.repeat(600_000)}~`),
    expect: { status: 422, code: 'presentation.rejected', errors: ['presentation.malformed'] },
  },
  {
    name: 'dc+sd-jwt: only tildes',
    request: (c) => verify(c, '~'.repeat(300)),
    expect: { status: 422, code: 'presentation.rejected', errors: ['presentation.malformed'] },
  },
  {
    name: 'dc+sd-jwt: empty disclosures between tildes',
    request: async (c) => verify(c, (await sdJwt(c, { kb: false })).replace('~', '~~~')),
    expect: { status: 422, code: 'presentation.rejected' },
  },
];
