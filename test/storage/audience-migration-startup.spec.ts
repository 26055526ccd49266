/**
 * Issue 11 finding 1, existing databases: a SQLite database of the previous
 * schema whose policies give two relying parties one audience stops start-up
 * with one line naming both and the audience; a clean one starts with each
 * party owning its policies' audiences.
 */
import { afterEach, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { applyMigrations } from '../../src/storage/sqlite/migrate.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function previousSchema(policies: Array<[id: string, owner: string, audience: string]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kparty-aud-'));
  dirs.push(dir);
  const file = join(dir, 'kparty.db');
  const db = new Database(file);
  applyMigrations(
    db,
    MIGRATIONS.filter((m) => m.version <= 4),
  );
  for (const owner of new Set(policies.map((p) => p[1]))) {
    db.prepare('INSERT INTO relying_parties (id, name, api_key_hash, created_at) VALUES (?, ?, ?, 0)').run(owner, owner, owner.padEnd(64, '0'));
  }
  for (const [id, owner, audience] of policies) {
    db.prepare('INSERT INTO policies (id, owner, body, created_at, updated_at) VALUES (?, ?, ?, 0, 0)').run(id, owner, JSON.stringify({ id, audience }));
  }
  db.close();
  return file;
}

it('stops with one line naming both relying parties and the audience', async () => {
  const file = previousSchema([
    ['a', 'shop', 'https://api.example.com'],
    ['b', 'bank', 'https://api.example.com'],
  ]);
  const failure = await openStorage(loadConfig({ DATABASE_URL: `sqlite:${file}` })).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  expect(failure?.message).toBe(
    'audience "https://api.example.com" is used by policies of relying party "bank" and of relying party "shop"; an audience belongs to one relying party: change or delete one side\'s policies, then start again',
  );
});

it("derives each relying party's audiences from its policies", async () => {
  const file = previousSchema([
    ['a', 'shop', 'https://shop.example.com'],
    ['b', 'bank', 'https://bank.example.com'],
  ]);
  const storage = await openStorage(loadConfig({ DATABASE_URL: `sqlite:${file}` }));
  try {
    expect((await storage.relyingParties.list()).map((rp) => [rp.id, rp.audiences])).toEqual([
      ['bank', ['https://bank.example.com']],
      ['shop', ['https://shop.example.com']],
    ]);
  } finally {
    await storage.close();
  }
});

it('a policy file using an audience a relying party holds stops start-up, naming both', async () => {
  const { writeFileSync } = await import('node:fs');
  const { createKparty } = await import('../../src/kparty.js');
  const { createMemoryStorage } = await import('../../src/storage/memory/memory-storage.js');
  const { silentLogger } = await import('../../src/core/logger.js');
  const dir = mkdtempSync(join(tmpdir(), 'kparty-files-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'ops.json'),
    JSON.stringify({
      id: 'ops',
      audience: 'https://held.example.com',
      credentials: [{ id: 'e', format: 'jwt_vc_json', meta: { type_values: [['X']] }, trustedIssuers: ['*'] }],
    }),
  );
  const storage = createMemoryStorage();
  await storage.relyingParties.create({
    id: 'holder',
    name: 'Holder',
    apiKeyHash: 'a'.repeat(64),
    createdAt: 0,
    audiences: ['https://held.example.com'],
    callbackOrigins: [],
  });
  const config = loadConfig({ DATABASE_URL: 'sqlite:/nonexistent.db', KPARTY_POLICIES_DIR: dir, KPARTY_ADMIN_KEY: 'operator-key-0123456789abcdef0123456789' });
  await expect(createKparty(config, { logger: silentLogger, storage })).rejects.toThrow(
    'KPARTY_POLICIES_DIR: policy file "ops" uses audience "https://held.example.com", which belongs to relying party "holder"; an audience belongs to one relying party',
  );
});
