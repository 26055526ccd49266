import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '../core/errors.js';
import { makePki, type TestCertificate } from '../../test/support/x509.js';
import { TrustAnchorStore } from './trust-anchors.js';

let root: TestCertificate;
let intermediate: TestCertificate;
let leaf: TestCertificate;
let dir: string;

beforeAll(async () => {
  ({ root, intermediate, leaf } = await makePki());
  dir = await mkdtemp(join(tmpdir(), 'kparty-anchors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('TrustAnchorStore', () => {
  it('is empty by default', () => {
    expect(TrustAnchorStore.empty().size).toBe(0);
  });

  it('reads several certificates from one PEM text and ignores duplicates', () => {
    expect(TrustAnchorStore.fromPem([`${root.pem}\n${intermediate.pem}`, root.pem]).size).toBe(2);
  });

  it('refuses a non-CA certificate, naming the variable', () => {
    expect(() => TrustAnchorStore.fromPem([leaf.pem])).toThrow(ConfigError);
    expect(() => TrustAnchorStore.fromPem([leaf.pem])).toThrow(/KPARTY_TRUST_ANCHORS.*not a CA/);
  });

  it('refuses text without a certificate and a corrupt certificate', () => {
    expect(() => TrustAnchorStore.fromPem(['hello'])).toThrow(/KPARTY_TRUST_ANCHORS/);
    expect(() => TrustAnchorStore.fromPem(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'])).toThrow(/KPARTY_TRUST_ANCHORS/);
    expect(() => TrustAnchorStore.fromPem(['-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----'])).toThrow(/KPARTY_TRUST_ANCHORS/);
  });

  it('loads every *.pem file of a folder', async () => {
    const folder = join(dir, 'ok');
    await mkdtempIn(folder);
    await writeFile(join(folder, 'root.pem'), root.pem);
    await writeFile(join(folder, 'issuing.pem'), intermediate.pem);
    await writeFile(join(folder, 'notes.txt'), 'not a certificate');
    expect((await TrustAnchorStore.fromFolder(folder)).size).toBe(2);
  });

  it('stops with a ConfigError naming the variable and the file for a leaf, an empty folder or a missing folder', async () => {
    const folder = join(dir, 'bad');
    await mkdtempIn(folder);
    await expect(TrustAnchorStore.fromFolder(folder)).rejects.toThrow(/KPARTY_TRUST_ANCHORS.*no \*\.pem/);
    await writeFile(join(folder, 'leaf.pem'), leaf.pem);
    await expect(TrustAnchorStore.fromFolder(folder)).rejects.toThrow(/KPARTY_TRUST_ANCHORS: leaf\.pem/);
    await expect(TrustAnchorStore.fromFolder(join(dir, 'missing'))).rejects.toThrow(/KPARTY_TRUST_ANCHORS: cannot read the folder/);
  });
});

async function mkdtempIn(path: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path, { recursive: true });
}
