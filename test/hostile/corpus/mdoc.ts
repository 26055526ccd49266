/**
 * Hostile mso_mdoc DeviceResponses (ISO 18013-5 §8.3.2.1.2.2): through
 * POST /v1/presentations/verify (no session transcript there, so every mdoc is
 * presentation.format_unsupported, docs/formats.md) and through the OpenID4VP
 * response endpoint (CBOR bombs: indefinite lengths, deep nesting, huge
 * declared lengths, tag chains), where the request ends rejected.
 */
import type { HostileContext, HostileEntry, HostileRequest } from '../hostile-entry.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const head = (major: number, n: number): Buffer => {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
};
const text = (s: string): Buffer => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s)]);
const map = (entries: Array<[Buffer, Buffer]>): Buffer => Buffer.concat([head(5, entries.length), ...entries.flat()]);
const array = (items: Buffer[]): Buffer => Buffer.concat([head(4, items.length), ...items]);
const uint = (n: number): Buffer => head(0, n);
const bytes = (b: Buffer): Buffer => Buffer.concat([head(2, b.length), b]);
const tag24 = (b: Buffer): Buffer => Buffer.concat([hex('d818'), bytes(b)]);
/** A DeviceResponse map { version, documents: [document], status: 0 }. */
const deviceResponse = (documents: Buffer[]): Buffer =>
  map([
    [text('version'), text('1.0')],
    [text('documents'), array(documents)],
    [text('status'), uint(0)],
  ]);
const document = (issuerSigned: Buffer, deviceSigned: Buffer = map([])): Buffer =>
  map([
    [text('docType'), text('org.iso.18013.5.1.mDL')],
    [text('issuerSigned'), issuerSigned],
    [text('deviceSigned'), deviceSigned],
  ]);

/** Hostile CBOR, each a whole vp_token presentation. */
const BOMBS: Array<[string, Buffer, 'cbor' | 'device-response']> = [
  ['not CBOR at all', Buffer.from('hello, mdoc'), 'cbor'],
  ['truncated map', hex('a3 67 76657273696f6e'), 'cbor'],
  ['empty input', Buffer.alloc(0), 'cbor'],
  ['a byte string declaring 2^64-1 bytes', hex('5b ffffffffffffffff 00'), 'cbor'],
  ['an array declaring 2^32-1 items', hex('9a ffffffff 00'), 'cbor'],
  ['a map declaring 2^32-1 pairs', hex('ba ffffffff 00 00'), 'cbor'],
  ['indefinite-length map never closed', hex('bf 6776657273696f6e 63312e30'), 'cbor'],
  ['indefinite-length array of 100000 empty arrays', Buffer.concat([hex('9f'), Buffer.alloc(100_000, 0x80), hex('ff')]), 'cbor'],
  ['indefinite-length byte string of chunks', Buffer.concat([hex('5f'), ...Array.from({ length: 1000 }, () => hex('41 00')), hex('ff')]), 'cbor'],
  ['arrays nested 100000 deep', Buffer.concat([Buffer.alloc(100_000, 0x81), hex('00')]), 'cbor'],
  ['maps nested 50000 deep', Buffer.concat([...Array.from({ length: 50_000 }, () => hex('a1 00')), hex('00')]), 'cbor'],
  ['tag 24 nested 10000 deep', Buffer.concat([...Array.from({ length: 10_000 }, () => hex('d818')), hex('40')]), 'cbor'],
  ['a break code at the top', hex('ff'), 'cbor'],
  ['reserved additional information 28', hex('1c'), 'cbor'],
  ['a DeviceResponse with no documents', deviceResponse([]), 'device-response'],
  ['a DeviceResponse whose document has issuerSigned = null', deviceResponse([document(hex('f6'))]), 'device-response'],
  [
    'a DeviceResponse whose issuerAuth is not COSE_Sign1',
    deviceResponse([
      document(
        map([
          [text('issuerAuth'), array([uint(1)])],
          [text('nameSpaces'), map([])],
        ]),
      ),
    ]),
    'device-response',
  ],
  ['a DeviceResponse with 10000 empty documents', deviceResponse(Array.from({ length: 10_000 }, () => map([]))), 'device-response'],
  [
    'a DeviceResponse whose issuerAuth payload is a tag-24 bomb',
    deviceResponse([
      document(
        map([
          [text('issuerAuth'), array([bytes(hex('a10126')), map([]), tag24(Buffer.concat([Buffer.alloc(10_000, 0x81), hex('00')])), bytes(Buffer.alloc(64))])],
          [text('nameSpaces'), map([])],
        ]),
      ),
    ]),
    'device-response',
  ],
  [
    'a DeviceResponse with a __proto__ namespace',
    deviceResponse([
      document(
        map([
          [text('issuerAuth'), array([bytes(hex('a10126')), map([]), bytes(hex('a0')), bytes(Buffer.alloc(64))])],
          [text('nameSpaces'), map([[text('__proto__'), array([tag24(map([[text('elementIdentifier'), text('age_over_18')]]))])]])],
        ]),
      ),
    ]),
    'device-response',
  ],
];

const verify = (c: HostileContext, presentation: string): HostileRequest => ({
  method: 'POST',
  url: '/v1/presentations/verify',
  body: { policy: c.policyId, presentation },
});
const viaOid4vp = async (c: HostileContext, presentation: string): Promise<HostileRequest> => {
  const r = await c.oid4vpRequest({ policy: 'hostile-rp-mdoc', responseMode: 'direct_post' });
  return {
    method: 'POST',
    url: `/v1/oid4vp/responses/${r.id}`,
    raw: new URLSearchParams({ state: r.state, vp_token: JSON.stringify({ mdl: [presentation] }) }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
};

export const mdocEntries: HostileEntry[] = [
  // A DeviceResponse is recognised and refused (no session transcript to bind it to); other CBOR is no presentation at all.
  ...BOMBS.filter(([, cbor]) => cbor.length > 0).map(([name, cbor, kind]): HostileEntry => ({
    name: `verify endpoint: mdoc ${name}`,
    request: (c) => verify(c, cbor.toString('base64url')),
    expect: { status: 422, code: 'presentation.rejected', errors: [kind === 'device-response' ? 'presentation.format_unsupported' : 'presentation.malformed'] },
  })),
  ...BOMBS.map(([name, cbor]): HostileEntry => ({
    name: `OpenID4VP response: mdoc ${name}`,
    request: (c) => viaOid4vp(c, cbor.toString('base64url')),
    expect: { status: 200, walletDecision: 'rejected' },
  })),
  {
    name: 'OpenID4VP response: mdoc presentation that is not base64url',
    request: (c) => viaOid4vp(c, '!!!not base64url!!!'),
    expect: { status: 200, walletDecision: 'rejected' },
  },
  {
    name: 'OpenID4VP response: mdoc presentation as an object',
    request: async (c) => {
      const q = await viaOid4vp(c, 'x');
      return { ...q, raw: q.raw!.replace(/vp_token=[^&]*/, `vp_token=${encodeURIComponent(JSON.stringify({ mdl: [{ documents: [] }] }))}`) };
    },
    expect: { status: 200, walletDecision: 'rejected' },
  },
  {
    name: 'OpenID4VP response: vp_token for an undeclared query id',
    request: async (c) => {
      const q = await viaOid4vp(c, 'x');
      return { ...q, raw: q.raw!.replace(/vp_token=[^&]*/, `vp_token=${encodeURIComponent(JSON.stringify({ other: ['AA'] }))}`) };
    },
    expect: { status: 200, walletDecision: 'rejected' },
  },
  {
    name: 'OpenID4VP response: vp_token not JSON',
    request: async (c) => {
      const q = await viaOid4vp(c, 'x');
      return { ...q, raw: q.raw!.replace(/vp_token=[^&]*/, 'vp_token=%7Bnot') };
    },
    expect: { status: 200, walletDecision: 'rejected' },
  },
];
