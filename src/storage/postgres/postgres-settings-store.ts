import type { Pool } from 'pg';
import type { SettingsStore } from '../../core/ports/settings-store.js';

/** Settings in the `settings` table. */
export class PostgresSettingsStore implements SettingsStore {
  constructor(private readonly pool: Pool) {}

  async get(name: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name]);
    return rows[0]?.value ?? null;
  }

  async setIfAbsent(name: string, value: string): Promise<string> {
    // A concurrent insert of the same name waits for the first to commit, then does nothing;
    // a setting is never changed once stored, so the SELECT afterwards sees the value that won.
    await this.pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
    const stored = await this.get(name);
    if (stored === null) throw new Error(`setting "${name}" vanished after it was stored`);
    return stored;
  }

  async set(name: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value', [name, value]);
  }
}
