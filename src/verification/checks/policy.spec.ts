import { describe, expect, it } from '@jest/globals';
import { checkBench, located, member, NOW_S, presentationOf, toyPolicy, toyQuery } from '../__fixtures__/check-context.js';
import { singlePresentation } from '../submission.js';
import { parseCheck } from './parse.js';
import { policyCheck } from './policy.js';
import { resolveDidsCheck } from './resolve-dids.js';
import { signaturesCheck } from './signatures.js';
import { validityPeriodCheck } from './validity-period.js';

const before = [parseCheck, resolveDidsCheck, signaturesCheck, validityPeriodCheck];
const goldOnly = toyPolicy({ credentials: [toyQuery('membership', { claims: [{ path: ['level'], values: ['gold'] }] })] });

describe('policy check', () => {
  it('is satisfied by a credential that passed every earlier check, asking the format for its meta and claims', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf()), { policy: goldOnly, before });
    expect(policyCheck.run(context, bench.deps)).toEqual([]);
    expect(context.evaluation?.satisfied).toBe(true);
  });

  it('never lets a credential that failed earlier satisfy it, but reports its rule failures too', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [member({ exp: NOW_S - 3600, claims: { level: 'bronze' } })] })), {
      policy: goldOnly,
      before,
    });
    expect(located(context.failures)).toEqual([['credential.expired', 'credentials[0]']]);
    const failures = await policyCheck.run(context, bench.deps);
    expect(located(failures)).toEqual([
      ['credential.claim_value', 'credentials[0]'],
      ['policy.unsatisfied', 'presentation'],
    ]);
    expect(failures[1]?.detail).toContain('presented (credentials[0]) failed the checks listed');
    expect(context.evaluation?.satisfied).toBe(false);
  });

  it('says when no credential of the format was presented at all', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [] })), { policy: goldOnly, before });
    const failures = await policyCheck.run(context, bench.deps);
    expect(failures.map((f) => f.detail)).toEqual(['credential query "membership" is not satisfied: no credential of format toy_vc was presented']);
  });
});
