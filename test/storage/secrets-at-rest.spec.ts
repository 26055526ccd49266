/**
 * Issue 11 finding 11: private keys at rest. With KPARTY_SECRET_KEY the
 * session-signing private key is stored sealed (AES-256-GCM, key id
 * recorded); a previous wrapping key still opens old keys (rotation);
 * without the key a sealed database refuses to load; the value is bound to
 * its row.
 *
 * Regression: on the commit before, the SQLite row held the private JWK in
 * clear (`"d":` readable in the file) whatever the configuration.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import { SecretBoxError } from '../../src/core/ports/secret-box.js';
import { AesGcmSecretBox, wrappingKeyId } from '../../src/crypto/secret-box.js';
import { SigningKeyRing } from '../../src/session/signing-key-ring.js';
import { openStorage } from '../../src/storage/open-storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-secrets-'));
  dirs.push(dir);
  return join(dir, 'kparty.db');
}

const configFor = (file: string, env: Record<string, string> = {}) => loadConfig({ DATABASE_URL: `sqlite:${file}`, ...env });
const rawPrivateColumns = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], string>('SELECT private_jwk FROM signing_keys').pluck().all();
  } finally {
    db.close();
  }
};

async function openRing(file: string, env: Record<string, string> = {}) {
  const storage = await openStorage(configFor(file, env));
  try {
    const ring = await SigningKeyRing.open(storage.signingKeys, systemClock);
    return { kid: ring.current().kid, keys: await storage.signingKeys.list() };
  } finally {
    await storage.close();
  }
}

describe('SecretBox (AES-256-GCM)', () => {
  it('round-trips, records the key id, and refuses a changed ciphertext, another context or an unknown key', () => {
    const key = randomBytes(32);
    const box = new AesGcmSecretBox(key);
    const sealed = box.seal(Buffer.from('private'), 'signing-key:a');
    expect(sealed).toMatchObject({ sealed: 'kparty-secret-box-v1', kid: wrappingKeyId(key) });
    expect(Buffer.from(box.open(sealed, 'signing-key:a')).toString()).toBe('private');
    expect(() => box.open(sealed, 'signing-key:b')).toThrow(SecretBoxError);
    expect(() => box.open({ ...sealed, ct: Buffer.from('x').toString('base64url') }, 'signing-key:a')).toThrow(SecretBoxError);
    expect(() => new AesGcmSecretBox(randomBytes(32)).open(sealed, 'signing-key:a')).toThrow(SecretBoxError);
    expect(box.seal(Buffer.from('private'), 'c').iv).not.toBe(box.seal(Buffer.from('private'), 'c').iv);
  });

  it('refuses a KPARTY_SECRET_KEY that is not 32 bytes, and PREVIOUS without a current key', () => {
    expect(() => configFor('/tmp/x.db', { KPARTY_SECRET_KEY: 'short' })).toThrow(/KPARTY_SECRET_KEY must be 32 random bytes/);
    expect(() => configFor('/tmp/x.db', { KPARTY_SECRET_KEY_PREVIOUS: randomBytes(32).toString('hex') })).toThrow(/without KPARTY_SECRET_KEY/);
    expect(configFor('/tmp/x.db', { KPARTY_SECRET_KEY: randomBytes(32).toString('base64') }).secretKeys?.current).toHaveLength(32);
  });
});

describe('session-signing keys at rest', () => {
  it('without KPARTY_SECRET_KEY: stored in clear (the documented default, warned about in production)', async () => {
    const file = databaseFile();
    await openRing(file);
    expect(rawPrivateColumns(file)[0]).toMatch(/"d":/);
  });

  it('with KPARTY_SECRET_KEY: sealed in the database, usable by kparty; the same key opens it after a restart', async () => {
    const file = databaseFile();
    const secret = randomBytes(32).toString('hex');
    const first = await openRing(file, { KPARTY_SECRET_KEY: secret });
    const stored = rawPrivateColumns(file)[0]!;
    expect(stored).not.toMatch(/"d"/);
    expect(JSON.parse(stored)).toMatchObject({ sealed: 'kparty-secret-box-v1', kid: wrappingKeyId(Buffer.from(secret, 'hex')) });
    expect((await openRing(file, { KPARTY_SECRET_KEY: secret })).kid).toBe(first.kid);
    expect(first.keys[0]!.privateJwk).toMatchObject({ kty: 'EC', d: expect.any(String) });
  });

  it('refuses to start without the key, or with a wrong one, naming KPARTY_SECRET_KEY', async () => {
    const file = databaseFile();
    await openRing(file, { KPARTY_SECRET_KEY: randomBytes(32).toString('hex') });
    await expect(openRing(file)).rejects.toThrow(/KPARTY_SECRET_KEY/);
    await expect(openRing(file, { KPARTY_SECRET_KEY: randomBytes(32).toString('hex') })).rejects.toThrow(/KPARTY_SECRET_KEY_PREVIOUS/);
  });

  it('rotates the wrapping key: the old key as KPARTY_SECRET_KEY_PREVIOUS opens old keys, new keys are sealed with the new one', async () => {
    const file = databaseFile();
    const oldSecret = randomBytes(32).toString('hex');
    const newSecret = randomBytes(32).toString('hex');
    const first = await openRing(file, { KPARTY_SECRET_KEY: oldSecret });
    const env = { KPARTY_SECRET_KEY: newSecret, KPARTY_SECRET_KEY_PREVIOUS: oldSecret };
    expect((await openRing(file, env)).kid).toBe(first.kid);
    const storage = await openStorage(configFor(file, env));
    try {
      const { SigningKeyRotator } = await import('../../src/session/signing-key-rotation.js');
      await new SigningKeyRotator(storage.signingKeys, systemClock, { leadSeconds: 0, intervalSeconds: 0, sessionMaxTtl: 300, clockSkew: 60 }).rotate({
        immediate: true,
      });
    } finally {
      await storage.close();
    }
    const kids = rawPrivateColumns(file).map((column) => (JSON.parse(column) as { kid: string }).kid);
    expect(kids).toEqual([wrappingKeyId(Buffer.from(oldSecret, 'hex')), wrappingKeyId(Buffer.from(newSecret, 'hex'))]);
  });

  it('a sealed private key moved onto another row does not open', async () => {
    const file = databaseFile();
    const secret = randomBytes(32).toString('hex');
    await openRing(file, { KPARTY_SECRET_KEY: secret });
    const db = new Database(file);
    const row = db.prepare<[], { kid: string; private_jwk: string; public_jwk: string }>('SELECT kid, private_jwk, public_jwk FROM signing_keys').get()!;
    db.prepare('UPDATE signing_keys SET kid = ? WHERE kid = ?').run(`${row.kid}-moved`, row.kid);
    db.close();
    await expect(openRing(file, { KPARTY_SECRET_KEY: secret })).rejects.toThrow(SecretBoxError);
  });
});

describe('textSeal (the OpenID4VP secrets: request-signing keys, per-request ECDH keys)', () => {
  it('seals with the box, opens values sealed or stored in clear, and refuses a sealed value without the box', async () => {
    const { textSeal } = await import('../../src/crypto/secret-box.js');
    const box = new AesGcmSecretBox(randomBytes(32));
    const seal = textSeal(box, 'oid4vp:response-encryption-key');
    const stored = seal.seal('{"kty":"EC","d":"hunter2zz"}');
    expect(stored).not.toContain('hunter2zz');
    expect(seal.open(stored)).toBe('{"kty":"EC","d":"hunter2zz"}');
    expect(seal.open('{"kty":"EC","d":"clear"}')).toBe('{"kty":"EC","d":"clear"}');
    expect(() => textSeal(undefined, 'oid4vp:response-encryption-key').open(stored)).toThrow(/KPARTY_SECRET_KEY/);
    expect(() => textSeal(box, 'oid4vp:request-signing-key').open(stored)).toThrow(SecretBoxError);
  });
});
