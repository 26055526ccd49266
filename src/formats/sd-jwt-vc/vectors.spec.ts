/**
 * The published examples of RFC 9901 and draft-ietf-oauth-sd-jwt-vc
 * (test/vectors/sd-jwt-draft, test/vectors/sd-jwt-vc-draft, unmodified),
 * verified with the example issuer key printed in the drafts and a clock
 * frozen just after their KB-JWTs' `iat`.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import type { PublicJwk } from '../../crypto/public-jwk.js';
import { DidResolver } from '../../did/did-resolver.js';
import { TrustAnchorStore } from '../../trust/trust-anchors.js';
import { verifyIssuerSignature } from '../../trust/issuer-keys.js';
import { processDisclosures } from './disclosures.js';
import { verifyKeyBinding } from './key-binding.js';
import { parseSdJwt } from './sd-jwt-parse.js';
import { verifySdJwtVc } from './verify-sd-jwt-vc.js';

interface Example {
  line: number;
  sdjwt: string;
  header: { typ: string };
  iss?: string;
  n_disclosures?: number;
  kb: unknown;
}

const VECTORS = join(process.cwd(), 'test', 'vectors');
const read = (name: string): Example[] => JSON.parse(readFileSync(join(VECTORS, name, 'examples.json'), 'utf8')) as Example[];
const VC_EXAMPLES = read('sd-jwt-vc-draft');
const SD_JWT_EXAMPLES = read('sd-jwt-draft');

/** The issuer key printed in RFC 9901 and the SD-JWT VC draft. */
const ISSUER_KEY = { kty: 'EC', crv: 'P-256', x: 'b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ', y: 'Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8' };
/** The holder key of the examples' `cnf`. */
const HOLDER_KEY: PublicJwk = { kty: 'EC', crv: 'P-256', x: 'TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc', y: 'ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ' };
/** Ten seconds after the SD-JWT VC examples' KB-JWT `iat` (1787325881). */
const NOW = (1787325881 + 10) * 1000;
/** Ten seconds after the RFC 9901 examples' KB-JWT `iat` (1748536865). */
const RFC_NOW = (1748536865 + 10) * 1000;
const dids = new DidResolver([]);
const env = (iss: string, now = NOW) => ({
  dids,
  anchors: TrustAnchorStore.empty(),
  now,
  clockSkewSeconds: 60,
  keyBindingMaxAgeSeconds: 300,
  pinned: [{ id: iss, jwks: { keys: [ISSUER_KEY] } }],
});

describe('draft-ietf-oauth-sd-jwt-vc examples', () => {
  const withKb = VC_EXAMPLES.filter((e) => e.kb);
  const withoutKb = VC_EXAMPLES.filter((e) => !e.kb);

  it('holds 5 examples, 2 key-bound', () => {
    expect([VC_EXAMPLES.length, withKb.length]).toEqual([5, 2]);
  });

  it.each(withKb.map((e) => [e.line, e] as const))('verifies the key-bound presentation at line %i end to end', async (_line, example) => {
    const result = await verifySdJwtVc(example.sdjwt, env(example.iss as string));
    expect(result).toMatchObject({
      ok: true,
      credential: { issuer: example.iss, nonce: '1234567890', audience: 'https://example.com/verifier', issuerKeyRoute: 'pinned' },
    });
    if (result.ok) expect(result.credential.holder).toBe(`urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwkThumbprint(HOLDER_KEY)}`);
  });

  it.each(withoutKb.map((e) => [e.line, e] as const))(
    'reads the issued SD-JWT at line %i (every disclosure referenced) and asks for the missing KB-JWT',
    async (_line, example) => {
      const parsed = parseSdJwt(example.sdjwt);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.parts.disclosures).toHaveLength(example.n_disclosures as number);
      expect(processDisclosures(parsed.parts.issuerJwt.payload, parsed.parts.disclosures).ok).toBe(true);
      const result = await verifySdJwtVc(example.sdjwt, env(example.iss as string));
      expect(result).toMatchObject({ ok: false, failures: [{ code: expect.stringMatching(/^(challenge\.missing|sdjwt\.key_binding_invalid)$/) }] });
    },
  );

  it('refuses the examples past their exp, with another issuer key, and under another issuer name', async () => {
    const example = withKb[0] as Example;
    expect(await verifySdJwtVc(example.sdjwt, env(example.iss as string, 1_883_000_000_000 + 3_600_000))).toMatchObject({ ok: false });
    const other = {
      ...env(example.iss as string),
      pinned: [
        {
          id: example.iss as string,
          jwks: { keys: [{ ...ISSUER_KEY, x: 'TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc', y: 'ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ' }] },
        },
      ],
    };
    expect(await verifySdJwtVc(example.sdjwt, other)).toMatchObject({ ok: false, failures: [{ code: 'credential.signature_invalid' }] });
    expect(await verifySdJwtVc(example.sdjwt, env('https://other.example.com'))).toMatchObject({
      ok: false,
      failures: [{ code: 'credential.issuer_untrusted' }],
    });
  });
});

describe('RFC 9901 examples', () => {
  it('holds 8 examples, 3 key-bound', () => {
    expect([SD_JWT_EXAMPLES.length, SD_JWT_EXAMPLES.filter((e) => e.kb).length]).toEqual([8, 3]);
  });

  it.each(SD_JWT_EXAMPLES.map((e) => [e.line, e] as const))(
    'verifies the issuer signature, every disclosure and any KB-JWT of the example at line %i',
    async (_line, example) => {
      const parsed = parseSdJwt(example.sdjwt);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const { issuerJwt, disclosures, kbJwt, sdHashInput } = parsed.parts;
      // Two examples are W3C VCDM-shaped and name their issuer in `issuer` instead of `iss`.
      const iss = (issuerJwt.payload.iss ?? issuerJwt.payload.issuer) as string;
      const signature = await verifyIssuerSignature(
        { jws: issuerJwt.jws, iss, typ: [example.header.typ], purpose: 'credential-issuer', pinned: env(iss).pinned, now: RFC_NOW, clockSkewSeconds: 60 },
        { dids, anchors: TrustAnchorStore.empty() },
      );
      expect(signature).toMatchObject({ ok: true, issuerId: iss });
      const processed = processDisclosures(issuerJwt.payload, disclosures);
      expect(processed.ok).toBe(true);
      if (!processed.ok) return;
      expect(JSON.stringify(processed.claims)).not.toMatch(/"_sd"|"\.\.\."/);
      expect(kbJwt !== undefined).toBe(Boolean(example.kb));
      if (kbJwt === undefined) return;
      const binding = await verifyKeyBinding({
        kbJwt,
        sdHashInput,
        hashAlgorithm: processed.hashAlgorithm,
        cnf: issuerJwt.payload.cnf,
        now: RFC_NOW,
        clockSkewSeconds: 60,
        maxAgeSeconds: 300,
        dids,
      });
      expect(binding).toMatchObject({ ok: true, nonce: '1234567890', audience: 'https://verifier.example.org' });
      // The same KB-JWT over one disclosure fewer: another sd_hash.
      const fewer = `${[issuerJwt.jws.compact, ...disclosures.slice(1)].join('~')}~`;
      expect(
        await verifyKeyBinding({
          kbJwt,
          sdHashInput: fewer,
          hashAlgorithm: 'sha-256',
          cnf: issuerJwt.payload.cnf,
          now: RFC_NOW,
          clockSkewSeconds: 60,
          maxAgeSeconds: 300,
          dids,
        }),
      ).toMatchObject({
        ok: false,
        code: 'sdjwt.key_binding_invalid',
      });
    },
  );

  it('finds a disclosure dropped from an example unreferenced nowhere, and a foreign one refused', () => {
    const [first, second] = SD_JWT_EXAMPLES as [Example, Example];
    const a = parseSdJwt(first.sdjwt);
    const b = parseSdJwt(SD_JWT_EXAMPLES[4]?.sdjwt);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(processDisclosures(a.parts.issuerJwt.payload, a.parts.disclosures.slice(1)).ok).toBe(true);
    expect(processDisclosures(a.parts.issuerJwt.payload, [...a.parts.disclosures, b.parts.disclosures[0] as string])).toMatchObject({
      ok: false,
      code: 'sdjwt.disclosure_invalid',
    });
    expect(second.kb).toBeTruthy();
  });
});
