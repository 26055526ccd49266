/**
 * Issue 11 finding 2, as a property over the verify endpoint: whatever number
 * or string sits in any date field of any of today's formats (VP-JWT `exp`/
 * `nbf`/`iat`, VC-JWT `exp`/`nbf`/`iat`/`vc.issuanceDate`/`vc.expirationDate`,
 * `vp+jwt` `exp`/`nbf`/`iat`, `vc+jwt` `exp`/`nbf`/`iat`/`validFrom`/`validUntil`),
 * kparty never answers 5xx, and never accepts a value outside the sane range.
 *
 * Regression: on the commit before, -1e13, 1e13, 9e15 and ±1e300 answered 500.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isSaneDateSeconds, MAX_DATE_SECONDS } from '../../src/formats/date-range.js';
import { createHostileContext } from './hostile-context.js';
import type { HostileContext } from './hostile-entry.js';

let c: HostileContext;
beforeAll(async () => {
  c = await createHostileContext();
});
afterAll(async () => {
  await c.kparty.close();
});

type Field = { format: 'v1' | 'v2'; where: 'vp' | 'vc'; path: string[] };
const FIELDS: Field[] = [
  ...['exp', 'nbf', 'iat'].flatMap((name): Field[] => [
    { format: 'v1', where: 'vp', path: [name] },
    { format: 'v1', where: 'vc', path: [name] },
    { format: 'v2', where: 'vp', path: [name] },
    { format: 'v2', where: 'vc', path: [name] },
  ]),
  { format: 'v1', where: 'vc', path: ['vc', 'issuanceDate'] },
  { format: 'v1', where: 'vc', path: ['vc', 'expirationDate'] },
  { format: 'v2', where: 'vc', path: ['validFrom'] },
  { format: 'v2', where: 'vc', path: ['validUntil'] },
];

// NaN and ±Infinity are not JSON (they serialise as null, among `values` below), and jose's SignJWT refuses them
// in exp/nbf/iat ("claim must be a finite number"): generated, they failed the property in the test's own signing.
const numbers = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(-1e13, 1e13, 9e15, -1e300, 1e300, -1, 0, MAX_DATE_SECONDS, MAX_DATE_SECONDS + 1, Number.MAX_SAFE_INTEGER, -0, 0.5),
);
const dateStrings = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
  fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '2020-02-30T00:00:00Z', '2020-13-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'),
);
const values = fc.oneof(numbers, dateStrings, fc.constantFrom(null, true, [], {}));

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
}

it('no 5xx and no acceptance of an insane date, for any value in any date field', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...FIELDS), values, async (field, value) => {
      const change = (payload: Record<string, unknown>): void => setAt(payload, field.path, value);
      const presentation =
        field.format === 'v1'
          ? await c.vpJwt([await c.vcJwt(field.where === 'vc' ? change : undefined)], field.where === 'vp' ? change : undefined)
          : await c.vpJwtV2([await c.vcJwtV2(field.where === 'vc' ? change : undefined)], field.where === 'vp' ? change : undefined);
      const reply = await c.kparty.request('POST', '/v1/presentations/verify', {
        body: { policy: field.format === 'v1' ? c.policyId : c.policyV2Id, presentation },
      });
      expect(reply.status).toBeLessThan(500);
      if (reply.status === 200) {
        // Accepted only if the value is a date kparty can reason about.
        const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) / 1000 : NaN;
        expect(isSaneDateSeconds(seconds)).toBe(true);
      } else {
        expect([400, 422]).toContain(reply.status);
      }
    }),
    { numRuns: 150 },
  );
});
