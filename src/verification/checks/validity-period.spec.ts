import { describe, expect, it } from '@jest/globals';
import { checkBench, located, member, NOW_S, presentationOf } from '../__fixtures__/check-context.js';
import { singlePresentation } from '../submission.js';
import { parseCheck } from './parse.js';
import { validityPeriodCheck } from './validity-period.js';

describe('validity period check', () => {
  it('tolerates KPARTY_CLOCK_SKEW and reports an expiry beyond it, with the credential reference', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [member({ exp: NOW_S - 30 }), member({ exp: NOW_S - 61 })] })), {
      before: [parseCheck],
    });
    const failures = await validityPeriodCheck.run(context, bench.deps);
    expect(located(failures)).toEqual([['credential.expired', 'credentials[1]']]);
    expect(failures[0]?.credential).toEqual({ presentation: 0, credential: 1 });
    expect(failures[0]?.detail).toBe('the credential expired at 2029-12-31T23:58:59.000Z');
  });

  it('reports a date too large for a Date without throwing', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [member({ exp: -1e300 })] })), { before: [parseCheck] });
    expect(located(await validityPeriodCheck.run(context, bench.deps))).toEqual([['credential.expired', 'credentials[0]']]);
  });
});
