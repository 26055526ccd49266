import type { SettingsStore } from '../../core/ports/settings-store.js';

/** Settings in one process's memory. */
export class MemorySettingsStore implements SettingsStore {
  private readonly values = new Map<string, string>();

  async get(name: string): Promise<string | null> {
    return this.values.get(name) ?? null;
  }

  async setIfAbsent(name: string, value: string): Promise<string> {
    const existing = this.values.get(name);
    if (existing !== undefined) return existing;
    this.values.set(name, value);
    return value;
  }

  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
}
