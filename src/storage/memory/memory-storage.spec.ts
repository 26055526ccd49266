import { describe, expect, it } from '@jest/globals';
import { createMemoryStorage } from './memory-storage.js';

describe('createMemoryStorage', () => {
  it("is of kind 'memory' and shares nothing between instances", async () => {
    const first = createMemoryStorage();
    const second = createMemoryStorage();
    expect(first.kind).toBe('memory');
    await first.settings.setIfAbsent('name', 'first');
    await expect(second.settings.get('name')).resolves.toBeNull();
  });
});
