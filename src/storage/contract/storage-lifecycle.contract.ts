import { describe, expect, it } from '@jest/globals';
import type { Storage } from '../../core/ports/storage.js';

export function describeStorageLifecycleContract(current: () => Storage): void {
  describe('ping and close', () => {
    it('ping resolves while open and rejects once closed', async () => {
      await expect(current().ping()).resolves.toBeUndefined();
      await current().close();
      await expect(current().ping()).rejects.toHaveProperty('message', expect.any(String));
    });

    it('close may be called twice', async () => {
      await current().close();
      await expect(current().close()).resolves.toBeUndefined();
    });
  });
}
