import type { Database, Statement } from 'better-sqlite3';
import type { SettingsStore } from '../../core/ports/settings-store.js';

/** Settings in the `settings` table. */
export class SqliteSettingsStore implements SettingsStore {
  private readonly select: Statement<[string], string>;
  private readonly insertIfAbsent: Statement<[string, string]>;
  private readonly upsert: Statement<[string, string]>;

  constructor(db: Database) {
    this.select = db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck();
    // ON CONFLICT (name) rather than INSERT OR IGNORE: OR IGNORE would also
    // swallow a NOT NULL violation and then report a value that was never stored.
    this.insertIfAbsent = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.upsert = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  }

  async set(name: string, value: string): Promise<void> {
    this.upsert.run(name, value);
  }

  async get(name: string): Promise<string | null> {
    return this.select.get(name) ?? null;
  }

  async setIfAbsent(name: string, value: string): Promise<string> {
    this.insertIfAbsent.run(name, value);
    // No transaction needed: a setting is never deleted, and only changed by an
    // operator's `set` (admin-key reset), so the SELECT sees the value that won.
    const stored = this.select.get(name);
    if (stored === undefined) throw new Error(`setting "${name}" vanished after it was stored`);
    return stored;
  }
}
