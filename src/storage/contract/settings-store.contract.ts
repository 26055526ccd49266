import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';

export function describeSettingsStoreContract(current: () => Storage): void {
  describe('settings (SettingsStore)', () => {
    it('get of an unset name is null', async () => {
      await expect(current().settings.get('operator_key_sha256')).resolves.toBeNull();
    });

    it('setIfAbsent stores the first value and keeps it against later ones', async () => {
      await expect(current().settings.setIfAbsent('operator_key_sha256', 'first')).resolves.toBe('first');
      await expect(current().settings.setIfAbsent('operator_key_sha256', 'second')).resolves.toBe('first');
      await expect(current().settings.get('operator_key_sha256')).resolves.toBe('first');
      await expect(current().settings.get('other')).resolves.toBeNull();
    });

    it('an empty string is a value like any other', async () => {
      await expect(current().settings.setIfAbsent('blank', '')).resolves.toBe('');
      await expect(current().settings.setIfAbsent('blank', 'later')).resolves.toBe('');
      await expect(current().settings.get('blank')).resolves.toBe('');
    });

    it('set replaces a stored value and stores an unset one', async () => {
      await current().settings.setIfAbsent('operator_key_sha256', 'generated');
      await current().settings.set('operator_key_sha256', 'reset');
      await expect(current().settings.get('operator_key_sha256')).resolves.toBe('reset');
      await expect(current().settings.setIfAbsent('operator_key_sha256', 'later')).resolves.toBe('reset');
      await current().settings.set('fresh', 'value');
      await expect(current().settings.get('fresh')).resolves.toBe('value');
    });

    it('of concurrent setIfAbsent calls every caller gets the one stored value', async () => {
      const results = await Promise.all(['v1', 'v2', 'v3'].map((value) => current().settings.setIfAbsent('race', value)));
      expect(new Set(results).size).toBe(1);
      await expect(current().settings.get('race')).resolves.toBe(results[0]);
    });
  });
}
