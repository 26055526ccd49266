import { describe, expect, it } from '@jest/globals';
import { checkBench, located, member, presentationOf, toyPolicy } from '../__fixtures__/check-context.js';
import { singlePresentation } from '../submission.js';
import { holderBindingCheck } from './holder-binding.js';
import { parseCheck } from './parse.js';

describe('holder binding check', () => {
  it("passes credentials whose every subject is the presentation's holder", async () => {
    const bench = checkBench();
    const context = await bench.context(
      singlePresentation(presentationOf({ credentials: [member(), member({ subject: undefined, subjects: ['toy:alice', 'toy:alice'] })] })),
      {
        before: [parseCheck],
      },
    );
    expect(holderBindingCheck.run(context, bench.deps)).toEqual([]);
  });

  it('names the subject that is not the holder, and a credential naming no subject', async () => {
    const bench = checkBench();
    const context = await bench.context(
      singlePresentation(presentationOf({ credentials: [member({ subject: undefined, subjects: ['toy:alice', 'toy:bob'] }), member({ subject: undefined })] })),
      { before: [parseCheck] },
    );
    const failures = await holderBindingCheck.run(context, bench.deps);
    expect(located(failures)).toEqual([
      ['presentation.holder_mismatch', 'credentials[0].subjects[1]'],
      ['presentation.holder_mismatch', 'credentials[1]'],
    ]);
    expect(failures[0]?.detail).toBe("subject 1 (credentials[0].subjects[1]) is not the presentation's holder");
    expect(failures.map((f) => f.credential?.credential)).toEqual([0, 1]);
  });

  it('checks nothing under holderBinding: none', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [member({ subject: 'toy:bob' })] })), {
      policy: toyPolicy({ holderBinding: 'none' }),
      before: [parseCheck],
    });
    expect(holderBindingCheck.run(context, bench.deps)).toEqual([]);
  });
});
