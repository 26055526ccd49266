import { type CborLimits } from './cbor-scan.js';
import { DataItem, decodeCbor, decodeDataItem, isBytes, isMap } from './cbor.js';
import { coseKeyToPublicKey, type DeviceKey, type Parsed } from './cose.js';

/** Digest algorithms of ISO/IEC 18013-5 §9.1.2.5, as node:crypto names them. */
export const DIGEST_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

/** The MobileSecurityObject (ISO/IEC 18013-5 §9.1.2.4) as kparty uses it. */
export interface MobileSecurityObject {
  docType: string;
  /** node:crypto name of `digestAlgorithm`. */
  digestAlgorithm: string;
  /** namespace → digestID → digest. */
  valueDigests: Map<string, Map<number, Uint8Array>>;
  deviceKey: DeviceKey;
  /** Milliseconds since the epoch (`validityInfo`). */
  signed: number;
  validFrom: number;
  validUntil: number;
  /** The MSO `status` member (Token Status List reference), when present, as plain JSON-like data. */
  status?: unknown;
}

/** Decodes MobileSecurityObjectBytes (the IssuerAuth payload: `#6.24(bstr .cbor MobileSecurityObject)`). */
export function parseMso(payload: Uint8Array, limits: CborLimits): Parsed<MobileSecurityObject> {
  const outer = decodeCbor(payload, limits);
  if (!outer.ok) return outer;
  if (!(outer.value instanceof DataItem)) return { ok: false, detail: 'the IssuerAuth payload must be MobileSecurityObjectBytes (tag 24)' };
  const inner = decodeDataItem(outer.value, limits);
  if (!inner.ok) return inner;
  const mso = inner.value;
  if (!isMap(mso)) return { ok: false, detail: 'the MSO must be a map' };
  if (mso.get('version') !== '1.0') return { ok: false, detail: 'the MSO "version" must be "1.0"' };
  const algorithm = mso.get('digestAlgorithm');
  const digestAlgorithm = typeof algorithm === 'string' ? DIGEST_ALGORITHMS.get(algorithm) : undefined;
  if (!digestAlgorithm)
    return { ok: false, detail: `the MSO "digestAlgorithm" ${JSON.stringify(String(algorithm)).slice(0, 40)} is not SHA-256, SHA-384 or SHA-512` };
  const docType = mso.get('docType');
  if (typeof docType !== 'string') return { ok: false, detail: 'the MSO has no "docType"' };

  const digests = mso.get('valueDigests');
  if (!isMap(digests)) return { ok: false, detail: 'the MSO "valueDigests" must be a map' };
  const valueDigests = new Map<string, Map<number, Uint8Array>>();
  for (const [namespace, ids] of digests) {
    if (typeof namespace !== 'string' || !isMap(ids)) return { ok: false, detail: 'the MSO "valueDigests" must map namespaces to maps of digests' };
    const byId = new Map<number, Uint8Array>();
    for (const [id, digest] of ids) {
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || !isBytes(digest))
        return { ok: false, detail: `the MSO digests of "${namespace}" must map digestIDs to byte strings` };
      byId.set(id, digest);
    }
    valueDigests.set(namespace, byId);
  }

  const keyInfo = mso.get('deviceKeyInfo');
  if (!isMap(keyInfo)) return { ok: false, detail: 'the MSO has no "deviceKeyInfo"' };
  const deviceKey = coseKeyToPublicKey(keyInfo.get('deviceKey'));
  if (!deviceKey.ok) return { ok: false, detail: `the MSO deviceKey: ${deviceKey.detail}` };

  const validity = mso.get('validityInfo');
  if (!isMap(validity)) return { ok: false, detail: 'the MSO has no "validityInfo"' };
  const times: Record<'signed' | 'validFrom' | 'validUntil', number> = { signed: 0, validFrom: 0, validUntil: 0 };
  for (const name of ['signed', 'validFrom', 'validUntil'] as const) {
    const value = validity.get(name);
    // tdate = #6.0(tstr), which the decoder turns into a Date.
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) return { ok: false, detail: `the MSO "validityInfo.${name}" must be a tdate` };
    times[name] = value.getTime();
  }
  if (times.validUntil < times.validFrom) return { ok: false, detail: 'the MSO "validUntil" is before "validFrom"' };

  const status = mso.get('status');
  return {
    ok: true,
    value: { docType, digestAlgorithm, valueDigests, deviceKey: deviceKey.value, ...times, ...(status !== undefined ? { status: plainData(status) } : {}) },
  };
}

/** CBOR maps with text keys as objects, recursively (for the `status` reference, read by the Token Status List checker). */
export function plainData(value: unknown, depth = 0): unknown {
  if (depth > 16) return null;
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of value) if (typeof key === 'string' && key !== '__proto__') out[key] = plainData(inner, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((inner) => plainData(inner, depth + 1));
  return value;
}
