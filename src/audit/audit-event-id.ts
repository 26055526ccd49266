import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O, U; ascending in ASCII, so ids sort like the numbers they encode. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_BYTES = 10;
const MAX_TIME = 2 ** 48 - 1;

/**
 * Random bytes drawn from the CSPRNG in blocks, ids' worth at a time: one
 * `randomBytes` call per audit event showed in the server's profile (as Node's
 * own `randomUUID` does, for the same reason, with its pool).
 */
const POOL_BYTES = RANDOM_BYTES * 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function pooledRandomBytes(): Uint8Array {
  if (poolOffset + RANDOM_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  return bytes;
}

/** An audit event id: 10 characters of time (48 bits), 16 of randomness (80 bits). The first is 0–7. */
export const AUDIT_EVENT_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * A ULID (github.com/ulid/spec) for an event at `time` (ms since the epoch):
 * ids sort by time to the millisecond, in SQLite's BINARY collation and in
 * JavaScript alike, and 80 random bits keep ids of one millisecond apart —
 * across replicas too, without coordination. Within one millisecond the
 * order is arbitrary (not the ULID spec's monotonic variant: that needs
 * shared state and orders only one process's events anyway).
 */
export function newAuditEventId(time: number, random: Uint8Array = pooledRandomBytes()): string {
  if (!Number.isSafeInteger(time) || time < 0 || time > MAX_TIME) throw new RangeError(`audit event time out of range: ${time}`);
  if (random.length !== RANDOM_BYTES) throw new RangeError(`an audit event id needs ${RANDOM_BYTES} random bytes`);
  let timePart = '';
  for (let rest = time, i = 0; i < TIME_CHARS; i += 1, rest = Math.floor(rest / 32)) timePart = CROCKFORD[rest % 32] + timePart;
  let randomPart = '';
  let bits = 0;
  let value = 0;
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      randomPart += CROCKFORD[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return timePart + randomPart;
}
