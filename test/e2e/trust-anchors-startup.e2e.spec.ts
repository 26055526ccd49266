/** KPARTY_TRUST_ANCHORS at start-up: a bad folder stops the service with one message naming the variable and the file. */
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makePki, type TestCertificate } from '../support/x509.js';
import { startExpectingFailure, startKparty } from './harness.js';

describe('KPARTY_TRUST_ANCHORS at start-up', () => {
  let dir: string;
  let pki: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kparty-anchors-'));
    pki = await makePki();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const folder = (name: string, files: Record<string, string>): string => {
    const made = mkdtempSync(join(dir, `${name}-`));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(made, file), text);
    return made;
  };

  it.each([
    ['a missing folder', () => join(tmpdir(), 'kparty-no-such-anchor-folder'), 'cannot read the folder'],
    ['a folder without *.pem', () => folder('empty', { 'notes.txt': 'x' }), 'no *.pem'],
    ['a leaf certificate', () => folder('leaf', { 'leaf.pem': pki.leaf.pem }), 'leaf.pem'],
    ['a corrupt PEM', () => folder('corrupt', { 'bad.pem': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }), 'bad.pem'],
  ])('stops on %s, naming the variable', async (_name, make, fragment) => {
    const { code, output } = await startExpectingFailure({ KPARTY_TRUST_ANCHORS: make() });
    expect(code).toBe(1);
    expect(output).toContain('KPARTY_TRUST_ANCHORS');
    expect(output).toContain(fragment);
  });

  it('starts with a folder of CA certificates', async () => {
    const kparty = await startKparty({ env: { KPARTY_TRUST_ANCHORS: folder('good', { 'root.pem': pki.root.pem, 'issuing.pem': pki.intermediate.pem }) } });
    try {
      expect((await kparty.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await kparty.stop();
    }
  });
});
