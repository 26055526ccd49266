import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as x509 from '@peculiar/x509';
import { makeCertificate, makePki, type TestCertificate } from '../../test/support/x509.js';
import { MAX_CHAIN_LENGTH, MDL_DS_EKU, validateCertificateChain, x509HashIdentifier, type ChainOptions } from './certificate-chain.js';
import { TrustAnchorStore } from './trust-anchors.js';

const NOW = Date.now();
const options: ChainOptions = { now: NOW, clockSkewSeconds: 60, purpose: 'credential-issuer' };
const DAY = 86_400_000;

let root: TestCertificate;
let intermediate: TestCertificate;
let leaf: TestCertificate;
let anchors: TrustAnchorStore;

beforeAll(async () => {
  ({ root, intermediate, leaf } = await makePki());
  anchors = TrustAnchorStore.fromPem([root.pem]);
});

describe('validateCertificateChain', () => {
  it('accepts leaf + intermediate chaining to an anchor that is not in the chain (HAIP)', () => {
    const result = validateCertificateChain([leaf.der, intermediate.der], anchors, options);
    expect(result).toMatchObject({ ok: true, issuerId: x509HashIdentifier(leaf.der) });
    if (!result.ok) return;
    expect(result.keyIds).toEqual(expect.arrayContaining([leaf.ski, intermediate.ski, root.ski]));
    expect(result.publicKey.asymmetricKeyType).toBe('ec');
    expect(result.issuerId).toBe(`x509_hash:${createHash('sha256').update(leaf.der).digest('base64url')}`);
  });

  it('accepts a chain that includes the anchor', () => {
    expect(validateCertificateChain([leaf.der, intermediate.der, root.der], anchors, options).ok).toBe(true);
  });

  it('accepts a leaf directly under an intermediate anchor', () => {
    const store = TrustAnchorStore.fromPem([intermediate.pem]);
    expect(validateCertificateChain([leaf.der], store, options).ok).toBe(true);
  });

  it('refuses a chain to an untrusted root', async () => {
    const other = await makePki();
    expect(validateCertificateChain([other.leaf.der, other.intermediate.der], anchors, options)).toMatchObject({
      ok: false,
      code: 'credential.issuer_untrusted',
    });
  });

  it('refuses everything with an empty store', () => {
    expect(validateCertificateChain([leaf.der, intermediate.der], TrustAnchorStore.empty(), options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses a missing intermediate', () => {
    expect(validateCertificateChain([leaf.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses intermediates in the wrong order', () => {
    const deep = makeCertificate({ name: 'Other CA', ca: true, issuer: root });
    return deep.then((other) => {
      expect(validateCertificateChain([leaf.der, other.der, intermediate.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
    });
  });

  it('refuses a self-signed leaf, even when it is configured as an anchor', async () => {
    const self = await makeCertificate({ name: 'Self' });
    expect(validateCertificateChain([self.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses a CA certificate as the signing certificate', () => {
    expect(validateCertificateChain([intermediate.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses a forged signature (same names, another key)', async () => {
    const impostor = await makeCertificate({ name: 'Test Issuing CA', ca: true, issuer: root, noAki: true });
    const forged = await makeCertificate({ name: 'Test Credential Issuer', issuer: impostor });
    // The forged leaf names the real intermediate's subject but is signed by the impostor.
    expect(validateCertificateChain([forged.der, intermediate.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses an expired leaf as credential.expired', async () => {
    const old = await makeCertificate({ name: 'Old', issuer: intermediate, notBefore: new Date(NOW - 10 * DAY), notAfter: new Date(NOW - DAY) });
    expect(validateCertificateChain([old.der, intermediate.der], anchors, options)).toMatchObject({ code: 'credential.expired' });
  });

  it('tolerates expiry within the clock skew', async () => {
    const justExpired = await makeCertificate({ name: 'Edge', issuer: intermediate, notBefore: new Date(NOW - DAY), notAfter: new Date(NOW - 30_000) });
    expect(validateCertificateChain([justExpired.der, intermediate.der], anchors, options).ok).toBe(true);
    expect(validateCertificateChain([justExpired.der, intermediate.der], anchors, { ...options, clockSkewSeconds: 0 })).toMatchObject({
      code: 'credential.expired',
    });
  });

  it('refuses a not-yet-valid leaf as credential.not_yet_valid', async () => {
    const future = await makeCertificate({ name: 'Future', issuer: intermediate, notBefore: new Date(NOW + DAY), notAfter: new Date(NOW + 10 * DAY) });
    expect(validateCertificateChain([future.der, intermediate.der], anchors, options)).toMatchObject({ code: 'credential.not_yet_valid' });
  });

  it('refuses an expired intermediate and an expired anchor', async () => {
    const oldCa = await makeCertificate({ name: 'Old CA', ca: true, issuer: root, notBefore: new Date(NOW - 10 * DAY), notAfter: new Date(NOW - DAY) });
    const child = await makeCertificate({ name: 'Child', issuer: oldCa });
    expect(validateCertificateChain([child.der, oldCa.der], anchors, options)).toMatchObject({ code: 'credential.expired' });
    const oldRoot = await makeCertificate({ name: 'Old Root', ca: true, notBefore: new Date(NOW - 10 * DAY), notAfter: new Date(NOW - DAY) });
    const under = await makeCertificate({ name: 'Under', issuer: oldRoot });
    expect(validateCertificateChain([under.der], TrustAnchorStore.fromPem([oldRoot.pem]), options)).toMatchObject({ code: 'credential.expired' });
  });

  it('refuses an intermediate that is not a CA', async () => {
    const notCa = await makeCertificate({ name: 'Not a CA', issuer: root, keyUsage: x509.KeyUsageFlags.keyCertSign });
    const child = await makeCertificate({ name: 'Child', issuer: notCa });
    expect(validateCertificateChain([child.der, notCa.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses a CA intermediate without keyCertSign', async () => {
    const noSign = await makeCertificate({ name: 'CA no sign', ca: true, issuer: root, keyUsage: x509.KeyUsageFlags.cRLSign });
    const child = await makeCertificate({ name: 'Child', issuer: noSign });
    expect(validateCertificateChain([child.der, noSign.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('enforces pathLenConstraint', async () => {
    const subCa = await makeCertificate({ name: 'Sub CA', ca: true, issuer: intermediate }); // intermediate has pathLen 0
    const child = await makeCertificate({ name: 'Child', issuer: subCa });
    expect(validateCertificateChain([child.der, subCa.der, intermediate.der], anchors, options)).toMatchObject({
      code: 'credential.issuer_untrusted',
      detail: expect.stringContaining('pathLenConstraint'),
    });
  });

  it('refuses a leaf whose keyUsage lacks digitalSignature', async () => {
    const enc = await makeCertificate({ name: 'Enc', issuer: intermediate, keyUsage: x509.KeyUsageFlags.keyAgreement });
    expect(validateCertificateChain([enc.der, intermediate.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('accepts a leaf without keyUsage for credential-issuer but not for an mdoc document signer', async () => {
    const bare = await makeCertificate({ name: 'Bare', issuer: intermediate, keyUsage: null });
    expect(validateCertificateChain([bare.der, intermediate.der], anchors, options).ok).toBe(true);
    expect(validateCertificateChain([bare.der, intermediate.der], anchors, { ...options, purpose: 'mdoc-document-signer' })).toMatchObject({
      code: 'credential.issuer_untrusted',
    });
  });

  it('requires the mdlDS extended key usage for an mdoc document signer (ISO/IEC 18013-5 Annex B)', async () => {
    const ds = await makeCertificate({ name: 'DS', issuer: intermediate, extKeyUsage: [MDL_DS_EKU] });
    const mdoc = { ...options, purpose: 'mdoc-document-signer' as const };
    expect(validateCertificateChain([ds.der, intermediate.der], anchors, mdoc).ok).toBe(true);
    expect(validateCertificateChain([leaf.der, intermediate.der], anchors, mdoc)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses an unprocessed critical extension', async () => {
    const odd = await makeCertificate({ name: 'Odd', issuer: intermediate, unknownCritical: true });
    expect(validateCertificateChain([odd.der, intermediate.der], anchors, options)).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('matches trusted_authorities aki values against any certificate of the path, the anchor included', () => {
    const chain = [leaf.der, intermediate.der];
    expect(validateCertificateChain(chain, anchors, { ...options, authorityKeyIds: [root.ski] }).ok).toBe(true);
    expect(validateCertificateChain(chain, anchors, { ...options, authorityKeyIds: [intermediate.ski] }).ok).toBe(true);
    expect(validateCertificateChain(chain, anchors, { ...options, authorityKeyIds: ['AAAA'] })).toMatchObject({ code: 'credential.issuer_untrusted' });
    expect(validateCertificateChain(chain, anchors, { ...options, authorityKeyIds: [] })).toMatchObject({ code: 'credential.issuer_untrusted' });
  });

  it('refuses malformed input as credential.malformed', () => {
    expect(validateCertificateChain([], anchors, options)).toMatchObject({ code: 'credential.malformed' });
    expect(validateCertificateChain([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], anchors, options)).toMatchObject({ code: 'credential.malformed' });
    expect(validateCertificateChain([leaf.der, new Uint8Array(10)], anchors, options)).toMatchObject({ code: 'credential.malformed' });
    expect(validateCertificateChain(['nope' as unknown as Uint8Array], anchors, options)).toMatchObject({ code: 'credential.malformed' });
    expect(validateCertificateChain('x' as unknown as Uint8Array[], anchors, options)).toMatchObject({ code: 'credential.malformed' });
  });

  it('refuses oversized input before parsing', () => {
    expect(
      validateCertificateChain(
        Array.from({ length: MAX_CHAIN_LENGTH + 1 }, () => leaf.der),
        anchors,
        options,
      ),
    ).toMatchObject({ code: 'credential.malformed' });
    expect(validateCertificateChain([new Uint8Array(17 * 1024)], anchors, options)).toMatchObject({ code: 'credential.malformed' });
  });

  it('remembers a path per anchor store only, and checks time, purpose and aki on every call', () => {
    const chain = [leaf.der, intermediate.der];
    expect(validateCertificateChain(chain, anchors, options).ok).toBe(true);
    expect(validateCertificateChain(chain, TrustAnchorStore.fromPem([]), options)).toMatchObject({ code: 'credential.issuer_untrusted' });
    expect(validateCertificateChain(chain, anchors, { ...options, now: NOW + 2 * 365 * DAY })).toMatchObject({ code: 'credential.expired' });
    expect(validateCertificateChain(chain, anchors, { ...options, purpose: 'mdoc-document-signer' })).toMatchObject({ code: 'credential.issuer_untrusted' });
    expect(validateCertificateChain(chain, anchors, { ...options, authorityKeyIds: ['nope'] })).toMatchObject({ code: 'credential.issuer_untrusted' });
    expect(validateCertificateChain(chain, anchors, options).ok).toBe(true);
  });
});
