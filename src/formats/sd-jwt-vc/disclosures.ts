import { createHash } from 'node:crypto';
import { decodeBase64url } from '../../crypto/base64url.js';

/** `_sd_alg` values kparty verifies (IANA "Named Information Hash Algorithm" names, RFC 9901 §4.1.1); others are refused. */
export const SD_HASH_ALGORITHMS: Readonly<Record<string, string>> = { 'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512' };
/** Deepest nesting of objects and arrays walked in a payload with its disclosed values. */
export const MAX_SD_DEPTH = 32;
/** Most digests (`_sd` entries and `...` elements, decoys included) one SD-JWT may carry. */
export const MAX_DIGESTS = 4096;

/**
 * Claims an SD-JWT VC issuer must not make selectively disclosable
 * (draft-ietf-oauth-sd-jwt-vc, "Registered JWT Claims"): a disclosure of one
 * at the top level is refused, so a holder can never supply them.
 */
export const NEVER_DISCLOSED = new Set(['iss', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status']);

export type DisclosureResult =
  | {
      ok: true;
      /** The processed payload (RFC 9901 §7.1 step 3): disclosed claims in place, `_sd`, `_sd_alg` and undisclosed `...` gone. */
      claims: Record<string, unknown>;
      /** The `_sd_alg` used (default `sha-256`). */
      hashAlgorithm: string;
    }
  | {
      ok: false;
      code: 'sdjwt.disclosure_invalid';
      /** Index of the offending disclosure, when one is to blame. */
      disclosure?: number;
      detail: string;
    };

interface Disclosure {
  index: number;
  salt: string;
  /** Absent for an array-element disclosure. */
  name?: string;
  value: unknown;
  used: boolean;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** base64url(hash(ASCII(disclosure))) — RFC 9901 §4.2.3. Also the `sd_hash` of a KB-JWT. */
export function sdDigest(text: string, hashAlgorithm: string): string {
  const nodeName = SD_HASH_ALGORITHMS[hashAlgorithm];
  if (nodeName === undefined) throw new RangeError('unsupported _sd_alg');
  return createHash(nodeName).update(text, 'latin1').digest('base64url');
}

class DisclosureError extends Error {
  constructor(
    readonly detail: string,
    readonly disclosure?: number,
  ) {
    super(detail);
  }
}

/**
 * Verifies the disclosures of an SD-JWT against the issuer-signed payload
 * and builds the processed payload (RFC 9901 §7.1), by hand — a library that
 * drops what does not fit is not trusted with this:
 *
 * - `_sd_alg` is `sha-256` (default), `sha-384` or `sha-512`; anything else is refused;
 * - each disclosure is base64url UTF-8 JSON: `[salt, name, value]` (object
 *   property) or `[salt, value]` (array element); salt and name strings; the
 *   name is neither `_sd` nor `...`;
 * - each digest is found once: in an object's `_sd` (a 3-element disclosure)
 *   or as an array element `{"...": digest}` (a 2-element disclosure), in the
 *   signed payload or, recursively, in a disclosed value;
 * - refused: a disclosure no digest references, two identical disclosures, a
 *   digest that occurs twice anywhere (disclosed or not), a disclosed name that
 *   already exists in its object, `_sd` that is not an array of strings, a
 *   top-level disclosure of a claim SD-JWT VC forbids disclosing
 *   ({@link NEVER_DISCLOSED});
 * - digests with no disclosure are decoys or undisclosed claims: fine.
 *
 * Never throws.
 */
export function processDisclosures(payload: Record<string, unknown>, encoded: readonly string[]): DisclosureResult {
  const alg = payload._sd_alg ?? 'sha-256';
  if (typeof alg !== 'string' || SD_HASH_ALGORITHMS[alg] === undefined) {
    return {
      ok: false,
      code: 'sdjwt.disclosure_invalid',
      detail: `_sd_alg ${typeof alg === 'string' && /^[\w-]{1,32}$/.test(alg) ? `"${alg}" ` : ''}is not supported (sha-256, sha-384, sha-512)`,
    };
  }
  try {
    const byDigest = new Map<string, Disclosure>();
    encoded.forEach((text, index) => {
      const disclosure = decodeDisclosure(text, index);
      const digest = sdDigest(text, alg);
      if (byDigest.has(digest)) throw new DisclosureError(`disclosure ${index} is presented twice`, index);
      byDigest.set(digest, disclosure);
    });
    const walker = new Walker(byDigest);
    const claims = walker.object(payload, '', 0, true);
    delete claims._sd_alg;
    const unused = [...byDigest.values()].find((d) => !d.used);
    if (unused) throw new DisclosureError(`disclosure ${unused.index} is not referenced by any digest of the SD-JWT`, unused.index);
    return { ok: true, claims, hashAlgorithm: alg };
  } catch (error) {
    if (error instanceof DisclosureError) {
      return { ok: false, code: 'sdjwt.disclosure_invalid', detail: error.detail, ...(error.disclosure !== undefined ? { disclosure: error.disclosure } : {}) };
    }
    if (error instanceof RangeError) return { ok: false, code: 'sdjwt.disclosure_invalid', detail: 'the SD-JWT nests too deeply' };
    throw error;
  }
}

function decodeDisclosure(text: string, index: number): Disclosure {
  const bytes = decodeBase64url(text);
  if (!bytes) throw new DisclosureError(`disclosure ${index} is not base64url`, index);
  let value: unknown;
  try {
    value = JSON.parse(STRICT_UTF8.decode(bytes));
  } catch {
    throw new DisclosureError(`disclosure ${index} is not UTF-8 JSON`, index);
  }
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) {
    throw new DisclosureError(`disclosure ${index} must be a JSON array of 2 or 3 elements`, index);
  }
  const [salt] = value as unknown[];
  if (typeof salt !== 'string') throw new DisclosureError(`disclosure ${index}: the salt must be a string`, index);
  if (value.length === 2) return { index, salt, value: value[1], used: false };
  const name = value[1] as unknown;
  if (typeof name !== 'string') throw new DisclosureError(`disclosure ${index}: the claim name must be a string`, index);
  if (name === '_sd' || name === '...') throw new DisclosureError(`disclosure ${index}: the claim name "${name}" is reserved`, index);
  return { index, salt, name, value: value[2], used: false };
}

const pointer = (path: string, key: string | number): string => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

class Walker {
  readonly #seen = new Set<string>();

  constructor(private readonly byDigest: Map<string, Disclosure>) {}

  #digest(value: unknown, where: string): Disclosure | undefined {
    if (typeof value !== 'string') throw new DisclosureError(`a digest at ${where} is not a string`);
    if (this.#seen.has(value)) throw new DisclosureError(`the digest at ${where} occurs more than once in the SD-JWT`);
    this.#seen.add(value);
    if (this.#seen.size > MAX_DIGESTS) throw new DisclosureError(`the SD-JWT holds more than ${MAX_DIGESTS} digests`);
    const disclosure = this.byDigest.get(value);
    if (disclosure) disclosure.used = true;
    return disclosure;
  }

  value(input: unknown, path: string, depth: number): unknown {
    if (Array.isArray(input)) return this.array(input, path, depth + 1);
    if (typeof input === 'object' && input !== null) return this.object(input as Record<string, unknown>, path, depth + 1, false);
    return input;
  }

  object(input: Record<string, unknown>, path: string, depth: number, top: boolean): Record<string, unknown> {
    if (depth > MAX_SD_DEPTH) throw new DisclosureError(`the SD-JWT nests deeper than ${MAX_SD_DEPTH} levels at ${path || '/'}`);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === '_sd') continue;
      define(out, key, this.value(value, pointer(path, key), depth));
    }
    const sd = input._sd;
    if (sd === undefined) return out;
    if (!Array.isArray(sd)) throw new DisclosureError(`"_sd" at ${path || '/'} is not an array`);
    for (const [i, entry] of sd.entries()) {
      const where = pointer(pointer(path, '_sd'), i);
      const disclosure = this.#digest(entry, where);
      if (!disclosure) continue;
      if (disclosure.name === undefined)
        throw new DisclosureError(`disclosure ${disclosure.index} is an array element but is referenced from "_sd" at ${where}`, disclosure.index);
      if (Object.hasOwn(out, disclosure.name) || Object.hasOwn(input, disclosure.name)) {
        throw new DisclosureError(
          `disclosure ${disclosure.index} discloses "${shortName(disclosure.name)}", which already exists at ${path || '/'}`,
          disclosure.index,
        );
      }
      if (top && NEVER_DISCLOSED.has(disclosure.name)) {
        throw new DisclosureError(`disclosure ${disclosure.index}: "${disclosure.name}" must not be selectively disclosed in an SD-JWT VC`, disclosure.index);
      }
      define(out, disclosure.name, this.value(disclosure.value, pointer(path, disclosure.name), depth));
    }
    return out;
  }

  array(input: unknown[], path: string, depth: number): unknown[] {
    if (depth > MAX_SD_DEPTH) throw new DisclosureError(`the SD-JWT nests deeper than ${MAX_SD_DEPTH} levels at ${path || '/'}`);
    const out: unknown[] = [];
    input.forEach((element, i) => {
      const where = pointer(path, i);
      if (isArrayDigest(element)) {
        const disclosure = this.#digest(element['...'], pointer(where, '...'));
        if (!disclosure) return; // undisclosed element or decoy
        if (disclosure.name !== undefined)
          throw new DisclosureError(`disclosure ${disclosure.index} names a claim but is referenced as an array element at ${where}`, disclosure.index);
        out.push(this.value(disclosure.value, where, depth));
        return;
      }
      out.push(this.value(element, where, depth));
    });
    return out;
  }
}

/** Sets an own property, also for names such as `__proto__` (no prototype is ever changed). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `{"...": <digest>}` and nothing else (RFC 9901 §4.2.4.2). */
function isArrayDigest(value: unknown): value is { '...': unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '...';
}

function shortName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}
