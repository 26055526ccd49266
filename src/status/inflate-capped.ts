import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import type { BudgetRefusal, RequestBudget } from '../net/request-budget.js';

/**
 * Status lists travel compressed: W3C Bitstring Status List / StatusList2021
 * as GZIP (RFC 1952), IETF Token Status List as ZLIB-wrapped DEFLATE (RFC 1950).
 * DEFLATE compresses a run of zeros about 1000:1, so a list of a few hundred
 * KiB can claim to be a gigabyte of bits. Inflation therefore streams and
 * stops as soon as the output passes `maxBytes` (KPARTY_STATUS_MAX_LIST_BYTES,
 * default 16 MiB): the work done for a bomb is bounded by the cap, not by what
 * the bomb claims.
 */
export type CompressionFormat = 'gzip' | 'zlib';

export type InflateOutcome =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      /** `too_large`: the output passed the cap; `corrupt`: not valid GZIP/ZLIB data; `over_budget`: the request's or the process's inflation budget refused more. */
      reason: 'too_large' | 'corrupt' | 'over_budget';
      /** Which budget refused, for `over_budget`. */
      refusal?: BudgetRefusal;
      /** Bytes inflated before stopping: at most `maxBytes` plus one chunk. */
      producedBytes: number;
    };

/** Output chunk size: the most inflated beyond the cap before inflation stops. */
export const INFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * Inflates `input`, giving up once the output would exceed `maxBytes`, or as
 * soon as `budget` (the request's, src/net/request-budget.ts) refuses a chunk.
 * Never throws.
 */
export function inflateCapped(input: Uint8Array, format: CompressionFormat, maxBytes: number, budget?: RequestBudget): Promise<InflateOutcome> {
  return new Promise((resolve) => {
    let stream: Gunzip | Inflate;
    try {
      stream = format === 'gzip' ? createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }) : createInflate({ chunkSize: INFLATE_CHUNK_BYTES });
    } catch {
      resolve({ ok: false, reason: 'corrupt', producedBytes: 0 });
      return;
    }
    const chunks: Buffer[] = [];
    let produced = 0;
    let settled = false;
    const settle = (outcome: InflateOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      produced += chunk.length;
      if (produced > maxBytes) {
        settle({ ok: false, reason: 'too_large', producedBytes: produced });
        // Stop inflating: the rest of the bomb is never expanded.
        stream.destroy();
        return;
      }
      const refusal = budget?.claimInflation(chunk.length);
      if (refusal) {
        settle({ ok: false, reason: 'over_budget', refusal, producedBytes: produced });
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', () => settle({ ok: false, reason: 'corrupt', producedBytes: produced }));
    stream.on('end', () => settle({ ok: true, bytes: Buffer.concat(chunks, produced) }));
    stream.end(input);
  });
}
