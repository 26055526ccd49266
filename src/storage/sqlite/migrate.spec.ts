import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { applyMigrations } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations.js';

const tables = (db: Database.Database): string[] => db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
const recorded = (db: Database.Database): Array<{ version: number; name: string }> =>
  db.prepare<[], { version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version').all();

describe('applyMigrations', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => {
    db.close();
  });

  it('MIGRATIONS are numbered 1, 2, 3, … with unique names', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toStrictEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(new Set(MIGRATIONS.map((migration) => migration.name)).size).toBe(MIGRATIONS.length);
  });

  it('creates exactly the tables the ports need and records every migration', () => {
    expect(applyMigrations(db)).toStrictEqual(MIGRATIONS.map((migration) => migration.version));
    expect(tables(db)).toStrictEqual([
      'audit_events',
      'challenges',
      'oid4vp_requests',
      'policies',
      'relying_parties',
      'relying_party_audiences',
      'schema_migrations',
      'session_denylist',
      'session_families',
      'session_refresh_tokens',
      'settings',
      'signing_keys',
    ]);
    expect(recorded(db)).toStrictEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });

  it('is idempotent: a second run applies nothing', () => {
    applyMigrations(db);
    expect(applyMigrations(db)).toStrictEqual([]);
    expect(recorded(db)).toHaveLength(MIGRATIONS.length);
  });

  it('applies only the migrations newer than the highest recorded version, in order', () => {
    const first: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' };
    const second: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER)' };
    expect(applyMigrations(db, [first])).toStrictEqual([1]);
    expect(applyMigrations(db, [first, second])).toStrictEqual([2]);
    expect(tables(db)).toStrictEqual(['one', 'schema_migrations', 'two']);
  });

  it('rolls back the whole run when one migration fails', () => {
    const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE good (x INTEGER)' };
    const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE broken (' };
    expect(() => applyMigrations(db, [good, bad])).toThrow(expect.objectContaining({ code: 'SQLITE_ERROR' }));
    expect(tables(db)).toStrictEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('refuses migrations that are not in increasing order, before touching the database', () => {
    const one: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' };
    expect(() => applyMigrations(db, [{ ...one, version: 2 }, one])).toThrow('versions must be integers increasing from 1');
    expect(() => applyMigrations(db, [one, { ...one, name: 'again' }])).toThrow('migration "again" has version 1');
    expect(() => applyMigrations(db, [{ ...one, version: 0 }])).toThrow('versions must be integers increasing from 1');
    expect(tables(db)).toStrictEqual([]);
  });

  describe('version 5: audiences derived from policies (issue 11)', () => {
    const upTo3 = MIGRATIONS.filter((m) => m.version <= 4);
    const seed = (rows: Array<[policy: string, owner: string, audience: string]>): void => {
      applyMigrations(db, upTo3);
      const rp = db.prepare('INSERT INTO relying_parties (id, name, api_key_hash, created_at) VALUES (?, ?, ?, 0)');
      for (const owner of new Set(rows.map((r) => r[1]).filter((o) => o !== '@operator'))) rp.run(owner, owner, owner.padEnd(64, '0'));
      const policy = db.prepare('INSERT INTO policies (id, owner, body, created_at, updated_at) VALUES (?, ?, ?, 0, 0)');
      for (const [id, owner, audience] of rows) policy.run(id, owner, JSON.stringify({ id, audience }));
    };
    const audiences = (): Array<{ audience: string; relying_party_id: string }> =>
      db.prepare<[], { audience: string; relying_party_id: string }>('SELECT audience, relying_party_id FROM relying_party_audiences ORDER BY audience').all();

    it("gives each relying party the audiences of its policies; the operator's stay unowned", () => {
      seed([
        ['a1', 'shop', 'https://shop.example.com'],
        ['a2', 'shop', 'https://shop.example.com'],
        ['b1', 'bank', 'https://bank.example.com'],
        ['o1', '@operator', 'https://ops.example.com'],
      ]);
      expect(applyMigrations(db)).toContain(5);
      expect(audiences()).toStrictEqual([
        { audience: 'https://bank.example.com', relying_party_id: 'bank' },
        { audience: 'https://shop.example.com', relying_party_id: 'shop' },
      ]);
    });

    it('stops with one line naming both relying parties and the audience when two share it, and changes nothing', () => {
      seed([
        ['a1', 'shop', 'https://api.example.com'],
        ['b1', 'bank', 'https://api.example.com'],
      ]);
      expect(() => applyMigrations(db)).toThrow(
        /^audience "https:\/\/api\.example\.com" is used by policies of relying party "bank" and of relying party "shop"; [^\n]+$/,
      );
      expect(recorded(db).map((r) => r.version)).toStrictEqual([1, 2, 3, 4]);
      expect(tables(db)).not.toContain('relying_party_audiences');
    });

    it("stops too when an operator policy shares a relying party's audience", () => {
      seed([
        ['a1', 'shop', 'https://api.example.com'],
        ['o1', '@operator', 'https://api.example.com'],
      ]);
      expect(() => applyMigrations(db)).toThrow('audience "https://api.example.com" is used by policies of the operator and of relying party "shop"');
    });
  });
});
