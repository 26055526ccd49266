/**
 * Issue 11 finding 2: numeric dates. Every date of every format is a finite
 * number in 0 … MAX_DATE_SECONDS (src/formats/date-range.ts), else the input is
 * malformed. These answered 500 (and burned the challenge) before.
 */
import { MAX_DATE_SECONDS } from '../../../src/formats/date-range.js';
import type { HostileEntry } from '../hostile-entry.js';

const HOSTILE_NUMBERS: Array<[string, number]> = [
  ['-1e13', -1e13],
  ['1e13', 1e13],
  ['9e15', 9e15],
  ['-1e300', -1e300],
  ['1e300', 1e300],
  ['-1', -1],
  ['MAX_DATE_SECONDS + 1', MAX_DATE_SECONDS + 1],
  ['Number.MAX_VALUE', Number.MAX_VALUE],
];

const verify = (policy: string, presentation: string) => ({ method: 'POST', url: '/v1/presentations/verify', body: { policy, presentation } });
const rejected = (code: string) => ({ status: 422, code: 'presentation.rejected', errors: [code] });

export const dateEntries: HostileEntry[] = [
  ...HOSTILE_NUMBERS.flatMap(([label, value]): HostileEntry[] =>
    (['exp', 'nbf', 'iat'] as const).flatMap((claim): HostileEntry[] => [
      {
        name: `VP-JWT "${claim}": ${label}`,
        request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt()], (p) => (p[claim] = value))),
        expect: rejected('presentation.malformed'),
      },
      {
        name: `VC-JWT "${claim}": ${label}`,
        request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => (p[claim] = value))])),
        expect: rejected('credential.malformed'),
      },
    ]),
  ),
  ...HOSTILE_NUMBERS.slice(0, 4).flatMap(([label, value]): HostileEntry[] => [
    {
      name: `vp+jwt "exp": ${label}`,
      request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2()], (p) => (p.exp = value))),
      expect: rejected('presentation.malformed'),
    },
    {
      name: `vc+jwt "exp": ${label}`,
      request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => (p.exp = value))])),
      expect: rejected('credential.malformed'),
    },
  ]),
  ...['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59-23:59', '+275760-09-13T00:00:00Z', '2020-02-30T00:00:00Z'].map(
    (date): HostileEntry => ({
      name: `vc+jwt "validUntil": ${date}`,
      request: async (c) => verify(c.policyV2Id, await c.vpJwtV2([await c.vcJwtV2((p) => (p.validUntil = date))])),
      expect: rejected('credential.malformed'),
    }),
  ),
  ...['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59'].map((date): HostileEntry => ({
    name: `VC-JWT "vc.expirationDate": ${date}`,
    request: async (c) => verify(c.policyId, await c.vpJwt([await c.vcJwt((p) => ((p.vc as Record<string, unknown>).expirationDate = date))])),
    expect: rejected('credential.malformed'),
  })),
];
