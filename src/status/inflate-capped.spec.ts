import { describe, expect, it } from '@jest/globals';
import { deflateSync, gzipSync } from 'node:zlib';
import { zeroBomb } from '../../test/support/status-lists.js';
import { INFLATE_CHUNK_BYTES, inflateCapped } from './inflate-capped.js';

const MiB = 1024 * 1024;
const CAP = 16 * MiB;

describe('inflateCapped', () => {
  it('inflates GZIP and ZLIB data within the cap', async () => {
    const data = Buffer.from('status list bits '.repeat(1000));
    await expect(inflateCapped(gzipSync(data), 'gzip', CAP)).resolves.toEqual({ ok: true, bytes: data });
    await expect(inflateCapped(deflateSync(data), 'zlib', CAP)).resolves.toEqual({ ok: true, bytes: data });
  });

  it('accepts output of exactly the cap', async () => {
    const outcome = await inflateCapped(gzipSync(Buffer.alloc(1000)), 'gzip', 1000);
    expect(outcome).toEqual({ ok: true, bytes: Buffer.alloc(1000) });
  });

  it('refuses one byte over the cap', async () => {
    const outcome = await inflateCapped(gzipSync(Buffer.alloc(1001)), 'gzip', 1000);
    expect(outcome).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it.each(['gzip', 'zlib'] as const)('refuses a %s bomb of 1 GiB after inflating no more than the cap and one chunk', async (format) => {
    const bomb = await zeroBomb(format, 1024);
    expect(bomb.length).toBeLessThan(1.1 * MiB);
    const outcome = await inflateCapped(bomb, format, CAP);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toBe('too_large');
    // Bounded work: the bomb's remaining 1008 MiB are never expanded.
    expect(outcome.producedBytes).toBeGreaterThan(CAP);
    expect(outcome.producedBytes).toBeLessThanOrEqual(CAP + INFLATE_CHUNK_BYTES);
  });

  it('inflates the test bombs correctly when they are small enough (they are valid streams)', async () => {
    for (const format of ['gzip', 'zlib'] as const) {
      const outcome = await inflateCapped(await zeroBomb(format, 3), format, CAP);
      expect(outcome.ok).toBe(true);
      // Compared as a whole (a deep equality over 3 MiB is needlessly slow).
      expect(outcome.ok && outcome.bytes.equals(Buffer.alloc(3 * MiB))).toBe(true);
    }
  });

  it.each([
    ['random bytes', Buffer.from('not compressed at all')],
    ['a truncated stream', gzipSync(Buffer.alloc(5000)).subarray(0, 20)],
    ['nothing', Buffer.alloc(0)],
  ])('reports %s as corrupt', async (_name, input) => {
    await expect(inflateCapped(input, 'gzip', CAP)).resolves.toMatchObject({ ok: false, reason: 'corrupt' });
    await expect(inflateCapped(input, 'zlib', CAP)).resolves.toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('does not take ZLIB for GZIP or the reverse', async () => {
    const data = Buffer.alloc(100, 7);
    await expect(inflateCapped(deflateSync(data), 'gzip', CAP)).resolves.toMatchObject({ ok: false, reason: 'corrupt' });
    await expect(inflateCapped(gzipSync(data), 'zlib', CAP)).resolves.toMatchObject({ ok: false, reason: 'corrupt' });
  });
});
