import 'reflect-metadata';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import type { PublicJwk } from '../../crypto/public-jwk.js';
import { x509HashIdentifier } from '../../trust/certificate-chain.js';
import { es256KeyPair, issueSdJwtVc } from '../../../test/support/sd-jwt.js';
import { makeCertificate } from '../../../test/support/x509.js';
import {
  AUD,
  CLAIMS,
  NONCE,
  NOW,
  NOW_S,
  VCT,
  b64u,
  didIssued,
  digestOf,
  disclosure,
  handRolled,
  present,
  signIssuerJwt,
  signKbJwt,
  testBed,
  x5c,
  type TestBed,
} from './__fixtures__/sd-jwt-test-bed.js';
import { MAX_DISCLOSURES, MAX_SD_JWT_LENGTH } from './sd-jwt-parse.js';
import { verifySdJwtVc, type SdJwtVcVerification } from './verify-sd-jwt-vc.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await testBed();
});

const verify = (input: unknown, overrides = {}): Promise<SdJwtVcVerification> => verifySdJwtVc(input, bed.env(overrides));

function failure(result: SdJwtVcVerification): { code: string; path: string } {
  if (result.ok) throw new Error('expected a failure');
  return result.failures[0] as { code: string; path: string };
}

/** Splits a presentation into issuer JWT, disclosures and KB-JWT. */
function split(presentation: string): { jwt: string; disclosures: string[]; kb: string } {
  const parts = presentation.split('~');
  return { jwt: parts[0] as string, disclosures: parts.slice(1, -1), kb: parts[parts.length - 1] as string };
}

/** Re-signs the KB-JWT after the disclosures changed, so only the change under test fails. */
async function rebind(jwt: string, disclosures: string[]): Promise<string> {
  const sdJwt = `${[jwt, ...disclosures].join('~')}~`;
  return `${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt)}`;
}

describe('verifySdJwtVc with @sd-jwt/sd-jwt-vc as issuer and wallet', () => {
  it('verifies a did:key-issued credential with every claim disclosed', async () => {
    const result = await verify(await present(bed, await didIssued(bed)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { credential } = result;
    expect(credential).toMatchObject({ issuer: bed.didIssuer.did, issuerKeyRoute: 'did', vct: VCT, nonce: NONCE, audience: AUD, issuedAt: NOW_S - 3600 });
    expect(credential.claims).toMatchObject(CLAIMS);
    expect(credential.claims).not.toHaveProperty('_sd');
    expect(credential.claims).not.toHaveProperty('_sd_alg');
    expect(credential.holder).toBe(`urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwkThumbprint(bed.holder.publicJwk as PublicJwk)}`);
  });

  it('keeps undisclosed claims out, recursively and in arrays', async () => {
    const presentation = await present(bed, await didIssued(bed), {
      frame: { given_name: true, address: { locality: true }, nationalities: { 1: true } },
    });
    const result = await verify(presentation);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.credential.claims).toMatchObject({ given_name: 'Arthur', address: { locality: 'Milliways' }, nationalities: ['BG'] });
    expect(result.credential.claims).not.toHaveProperty('family_name');
    expect(result.credential.claims.address).not.toHaveProperty('street_address');
  });

  it('accepts decoy digests', async () => {
    const credential = await didIssued(bed, {}, { _sd: ['given_name'], _sd_decoy: 5 });
    expect((await verify(await present(bed, credential))).ok).toBe(true);
  });

  it('accepts the legacy typ vc+sd-jwt', async () => {
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: bed.didIssuer.publicJwk, privateJwk: bed.didIssuer.privateJwk },
      header: { kid: bed.didIssuer.kid, typ: 'vc+sd-jwt' },
      payload: { iss: bed.didIssuer.did, iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk }, given_name: 'Arthur' },
      frame: { _sd: ['given_name'] },
    });
    expect((await verify(await present(bed, credential))).ok).toBe(true);
  });

  it('honours _sd_alg sha-512', async () => {
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: bed.didIssuer.publicJwk, privateJwk: bed.didIssuer.privateJwk },
      header: { kid: bed.didIssuer.kid },
      payload: { iss: bed.didIssuer.did, iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk }, given_name: 'Arthur' },
      frame: { _sd: ['given_name'] },
      hashAlg: 'sha-512',
    });
    const result = await verify(await present(bed, credential));
    expect(result).toMatchObject({ ok: true, credential: { claims: { given_name: 'Arthur' } } });
  });

  it('verifies an x5c issuer chained to a trust anchor; iss backed by the SAN is the issuer', async () => {
    const { leaf, intermediate } = bed.pki;
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: leaf.publicJwk, privateJwk: leaf.privateJwk },
      header: { x5c: x5c(leaf, intermediate) },
      payload: { iss: 'https://issuer.example.com', iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk }, given_name: 'Arthur' },
      frame: { _sd: ['given_name'] },
    });
    const result = await verify(await present(bed, credential));
    expect(result).toMatchObject({ ok: true, credential: { issuer: 'https://issuer.example.com', issuerKeyRoute: 'x5c' } });
    if (result.ok) expect(result.credential.x509KeyIds).toEqual(expect.arrayContaining([bed.pki.root.ski, intermediate.ski]));
  });

  it('names an x5c issuer without iss by x509_hash', async () => {
    const { leaf, intermediate } = bed.pki;
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: leaf.publicJwk, privateJwk: leaf.privateJwk },
      header: { x5c: x5c(leaf, intermediate) },
      payload: { iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    expect(await verify(await present(bed, credential))).toMatchObject({ ok: true, credential: { issuer: x509HashIdentifier(leaf.der) } });
  });

  it('iss/SAN mismatch: not refused, but the issuer is the x509_hash, never the unbacked iss', async () => {
    const { leaf, intermediate } = bed.pki;
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: leaf.publicJwk, privateJwk: leaf.privateJwk },
      header: { x5c: x5c(leaf, intermediate) },
      payload: { iss: 'https://government.example.org', iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    const result = await verify(await present(bed, credential));
    expect(result).toMatchObject({ ok: true, credential: { issuer: x509HashIdentifier(leaf.der) } });
  });

  it('verifies pinned keys without any fetch', async () => {
    const issuer = await es256KeyPair();
    const credential = await issueSdJwtVc({
      issuerKey: issuer,
      header: { kid: 'key-1' },
      payload: { iss: 'https://pinned.example.com', iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    const pinned = [{ id: 'https://pinned.example.com', jwks: { keys: [{ ...issuer.publicJwk, kid: 'key-1' }] } }];
    expect(await verify(await present(bed, credential), { pinned })).toMatchObject({
      ok: true,
      credential: { issuer: 'https://pinned.example.com', issuerKeyRoute: 'pinned' },
    });
  });

  it('binds to a cnf.kid DID URL; the holder is the DID', async () => {
    const holderDid = (await import('../../../test/support/identities.js')).p256Identity();
    const credential = await didIssued(bed, { cnf: { kid: holderDid.kid } });
    const presentation = await present(bed, credential, { holder: { publicJwk: holderDid.publicJwk, privateJwk: holderDid.privateJwk } });
    expect(await verify(presentation)).toMatchObject({ ok: true, credential: { holder: holderDid.did } });
  });
});

describe('verifySdJwtVc refuses', () => {
  it('a tampered disclosure', async () => {
    const { jwt, disclosures } = split(await present(bed, await didIssued(bed)));
    const decoded = JSON.parse(Buffer.from(disclosures[0] as string, 'base64url').toString()) as unknown[];
    decoded[2] = 'Zaphod';
    const tampered = [b64u(JSON.stringify(decoded)), ...disclosures.slice(1)];
    expect(failure(await verify(await rebind(jwt, tampered)))).toEqual(
      expect.objectContaining({ code: 'sdjwt.disclosure_invalid', path: 'credentials[0].disclosures[0]' }),
    );
  });

  it('an unreferenced disclosure (from another credential)', async () => {
    const other = split(await present(bed, await didIssued(bed)));
    const { jwt, disclosures } = split(await present(bed, await didIssued(bed)));
    const result = await verify(await rebind(jwt, [...disclosures, other.disclosures[0] as string]));
    expect(failure(result)).toEqual(expect.objectContaining({ code: 'sdjwt.disclosure_invalid', path: `credentials[0].disclosures[${disclosures.length}]` }));
  });

  it('the same disclosure presented twice', async () => {
    const { jwt, disclosures } = split(await present(bed, await didIssued(bed)));
    expect(failure(await verify(await rebind(jwt, [...disclosures, disclosures[0] as string])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('a digest that occurs twice in the payload', async () => {
    const d = disclosure('given_name', 'Arthur');
    const result = await verify(await handRolled(bed, { _sd: [digestOf(d)], nested: { _sd: [digestOf(d)] } }, [d]));
    expect(failure(result)).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
    const undisclosed = await verify(await handRolled(bed, { _sd: ['AAAA', 'AAAA'] }, []));
    expect(failure(undisclosed)).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('a disclosure named _sd or ...', async () => {
    for (const name of ['_sd', '...']) {
      const d = disclosure(name, 'x');
      expect(failure(await verify(await handRolled(bed, { _sd: [digestOf(d)] }, [d])))).toMatchObject({
        code: 'sdjwt.disclosure_invalid',
        path: 'credentials[0].disclosures[0]',
      });
    }
  });

  it('a disclosed name that already exists', async () => {
    const d = disclosure('given_name', 'Zaphod');
    expect(failure(await verify(await handRolled(bed, { given_name: 'Arthur', _sd: [digestOf(d)] }, [d])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('a top-level disclosure of a claim SD-JWT VC never discloses (cnf, iss, status)', async () => {
    const d = disclosure('status', { status_list: { idx: 0, uri: 'https://example.com/list' } });
    expect(failure(await verify(await handRolled(bed, { _sd: [digestOf(d)] }, [d])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('an array-element disclosure referenced from _sd, and a claim disclosure used as an array element', async () => {
    const element = disclosure('GB');
    expect(failure(await verify(await handRolled(bed, { _sd: [digestOf(element)] }, [element])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
    const claim = disclosure('given_name', 'Arthur');
    expect(failure(await verify(await handRolled(bed, { list: [{ '...': digestOf(claim) }] }, [claim])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('malformed disclosures: not base64url, not JSON, wrong arity, non-string salt or name', async () => {
    const bad = [
      'not+base64',
      b64u('{not json'),
      b64u(JSON.stringify(['salt', 'a', 'b', 'c'])),
      b64u(JSON.stringify({ salt: 's' })),
      b64u(JSON.stringify([1, 'name', 'v'])),
      b64u(JSON.stringify(['salt', 7, 'v'])),
      b64u(Buffer.from([0xff, 0xfe])),
    ];
    for (const d of bad) {
      const result = await verify(await handRolled(bed, { _sd: [digestOf(d)] }, [d]));
      expect(failure(result).code).toBe('sdjwt.disclosure_invalid');
    }
  });

  it('an unknown _sd_alg', async () => {
    const d = disclosure('given_name', 'Arthur');
    expect(failure(await verify(await handRolled(bed, { _sd_alg: 'md5', _sd: [digestOf(d)] }, [d])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('_sd that is not an array of strings', async () => {
    expect(failure(await verify(await handRolled(bed, { _sd: 'abc' }, [])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
    expect(failure(await verify(await handRolled(bed, { _sd: [42] }, [])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('nesting deeper than the cap (through disclosures)', async () => {
    let value: unknown = 'deep';
    for (let i = 0; i < 40; i++) value = { a: value };
    const d = disclosure('deep', value);
    expect(failure(await verify(await handRolled(bed, { _sd: [digestOf(d)] }, [d])))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
  });

  it('a KB-JWT signed by another key', async () => {
    const presentation = await present(bed, await didIssued(bed), { holder: bed.otherHolder });
    expect(failure(await verify(presentation))).toEqual(expect.objectContaining({ code: 'sdjwt.key_binding_invalid', path: 'credentials[0].kb_jwt' }));
  });

  it('a wrong sd_hash (KB-JWT of another selection of disclosures)', async () => {
    const credential = await didIssued(bed);
    const all = split(await present(bed, credential));
    const some = await present(bed, credential, { frame: { given_name: true } });
    const swapped = `${some.slice(0, some.lastIndexOf('~') + 1)}${all.kb}`;
    expect(failure(await verify(swapped))).toMatchObject({ code: 'sdjwt.key_binding_invalid' });
  });

  it('a missing KB-JWT (binding is always required): challenge.missing', async () => {
    expect(failure(await verify(await didIssued(bed)))).toMatchObject({ code: 'challenge.missing' });
  });

  it('a KB-JWT without nonce: challenge.missing; without aud: key_binding_invalid', async () => {
    const sdJwt = await didIssued(bed);
    expect(failure(await verify(`${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt, { nonce: undefined })}`))).toMatchObject({
      code: 'challenge.missing',
    });
    expect(failure(await verify(`${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt, { aud: undefined })}`))).toMatchObject({
      code: 'sdjwt.key_binding_invalid',
    });
  });

  it('a KB-JWT issued in the future, or too old', async () => {
    const credential = await didIssued(bed);
    expect(failure(await verify(await present(bed, credential, { iat: NOW_S + 600 })))).toMatchObject({ code: 'sdjwt.key_binding_invalid' });
    expect(failure(await verify(await present(bed, credential, { iat: NOW_S - 3600 })))).toMatchObject({ code: 'sdjwt.key_binding_invalid' });
    expect((await verify(await present(bed, credential, { iat: NOW_S + 30 }))).ok).toBe(true);
  });

  it('a KB-JWT with the wrong typ', async () => {
    const sdJwt = await didIssued(bed);
    expect(failure(await verify(`${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt, {}, { typ: 'JWT' })}`))).toMatchObject({
      code: 'sdjwt.key_binding_invalid',
    });
  });

  it('a credential without cnf', async () => {
    const jwt = await signIssuerJwt(bed.didIssuer.privateJwk, { iss: bed.didIssuer.did, iat: NOW_S, vct: VCT }, { kid: bed.didIssuer.kid });
    const sdJwt = `${jwt}~`;
    expect(failure(await verify(`${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt)}`))).toMatchObject({ code: 'sdjwt.key_binding_invalid' });
  });

  it('the wrong header typ, no vct', async () => {
    expect(failure(await verify(await handRolled(bed, {}, [], { typ: 'JWT' })))).toMatchObject({ code: 'credential.malformed' });
    expect(failure(await verify(await handRolled(bed, { vct: undefined }, [])))).toMatchObject({ code: 'credential.malformed' });
  });

  it('a tampered issuer payload', async () => {
    const { jwt, disclosures } = split(await present(bed, await didIssued(bed)));
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    payload.vct = 'https://evil.example.com/vct';
    expect(failure(await verify(await rebind(`${h}.${b64u(JSON.stringify(payload))}.${s}`, disclosures)))).toMatchObject({
      code: 'credential.signature_invalid',
    });
  });

  it('alg none and HS256 issuer signatures', async () => {
    const payload = b64u(JSON.stringify({ iss: bed.didIssuer.did, vct: VCT, cnf: { jwk: bed.holder.publicJwk } }));
    for (const alg of ['none', 'HS256']) {
      const jwt = `${b64u(JSON.stringify({ alg, typ: 'dc+sd-jwt', kid: bed.didIssuer.kid }))}.${payload}.${alg === 'none' ? '' : 'c2ln'}`;
      const sdJwt = `${jwt}~`;
      expect(failure(await verify(`${sdJwt}${await signKbJwt(bed.holder.privateJwk, sdJwt)}`))).toMatchObject({ code: 'credential.alg_forbidden' });
    }
  });

  it('an expired or not yet valid credential', async () => {
    expect(failure(await verify(await present(bed, await didIssued(bed, { exp: NOW_S - 3600 }))))).toMatchObject({ code: 'credential.expired' });
    expect(failure(await verify(await present(bed, await didIssued(bed, { nbf: NOW_S + 3600 }))))).toMatchObject({ code: 'credential.not_yet_valid' });
  });

  it('an x5c chain to an untrusted root', async () => {
    const { makePki } = await import('../../../test/support/x509.js');
    const rogue = await makePki({}, NOW);
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: rogue.leaf.publicJwk, privateJwk: rogue.leaf.privateJwk },
      header: { x5c: x5c(rogue.leaf, rogue.intermediate) },
      payload: { iss: 'https://issuer.example.com', iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    expect(failure(await verify(await present(bed, credential)))).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('an expired x5c leaf', async () => {
    const old = await makeCertificate({
      name: 'Old issuer',
      issuer: bed.pki.intermediate,
      notBefore: new Date(NOW - 10 * 86_400_000),
      notAfter: new Date(NOW - 86_400_000),
    });
    const credential = await issueSdJwtVc({
      issuerKey: { publicJwk: old.publicJwk, privateJwk: old.privateJwk },
      header: { x5c: x5c(old, bed.pki.intermediate) },
      payload: { iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    expect(failure(await verify(await present(bed, credential)))).toMatchObject({ code: 'credential.expired' });
  });

  it('an x5c leaf key that did not sign', async () => {
    const other = await es256KeyPair();
    const credential = await issueSdJwtVc({
      issuerKey: other,
      header: { x5c: x5c(bed.pki.leaf, bed.pki.intermediate) },
      payload: { iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    expect(failure(await verify(await present(bed, credential)))).toMatchObject({ code: 'credential.signature_invalid' });
  });

  it('malformed x5c', async () => {
    const credential = await issueSdJwtVc({
      issuerKey: bed.pki.leaf,
      header: { x5c: ['%%%'] },
      payload: { iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    expect(failure(await verify(await present(bed, credential)))).toMatchObject({ code: 'credential.malformed' });
  });

  it('pinned JWKS that do not match the signer', async () => {
    const issuer = await es256KeyPair();
    const other = await es256KeyPair();
    const credential = await issueSdJwtVc({
      issuerKey: issuer,
      payload: { iss: 'https://pinned.example.com', iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } },
    });
    const pinned = [{ id: 'https://pinned.example.com', jwks: { keys: [other.publicJwk] } }];
    expect(failure(await verify(await present(bed, credential), { pinned }))).toMatchObject({ code: 'credential.signature_invalid' });
  });

  it('a credential naming no issuer (no iss, no x5c), and an issuer with no key route', async () => {
    const issuer = await es256KeyPair();
    const unnamed = await issueSdJwtVc({ issuerKey: issuer, payload: { iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } } });
    expect(failure(await verify(await present(bed, unnamed)))).toMatchObject({ code: 'credential.malformed' });
    const keyless = await issueSdJwtVc({ issuerKey: issuer, payload: { iss: 'University', iat: NOW_S, vct: VCT, cnf: { jwk: bed.holder.publicJwk } } });
    expect(failure(await verify(await present(bed, keyless)))).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('a kid that is not a DID URL of the DID issuer', async () => {
    const other = (await import('../../../test/support/identities.js')).p256Identity();
    expect(failure(await verify(await handRolled(bed, {}, [], { kid: other.kid })))).toMatchObject({ code: 'did.key_not_found' });
  });

  it('oversized and hostile shapes before decoding', async () => {
    expect(failure(await verify('a'.repeat(MAX_SD_JWT_LENGTH + 1)))).toMatchObject({ code: 'presentation.malformed' });
    const sdJwt = await didIssued(bed);
    const many = `${sdJwt.slice(0, -1)}${'~AAAA'.repeat(MAX_DISCLOSURES + 1)}~`;
    expect(failure(await verify(many))).toMatchObject({ code: 'presentation.malformed' });
    expect(failure(await verify(`${sdJwt.slice(0, -1)}~~`))).toMatchObject({ code: 'sdjwt.disclosure_invalid' });
    expect(failure(await verify(`${sdJwt}not a jwt`))).toMatchObject({ code: 'presentation.malformed' });
    expect(failure(await verify(42))).toMatchObject({ code: 'presentation.malformed' });
    expect(failure(await verify('no tilde'))).toMatchObject({ code: 'presentation.malformed' });
    expect(failure(await verify('~~~'))).toMatchObject({ code: 'presentation.malformed' });
  });

  it('a __proto__ disclosure never changes a prototype', async () => {
    const d = disclosure('__proto__', { polluted: true });
    const result = await verify(await handRolled(bed, { _sd: [digestOf(d)] }, [d]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.credential.claims)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
