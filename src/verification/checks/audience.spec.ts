import { describe, expect, it } from '@jest/globals';
import { checkBench, located, presentationOf } from '../__fixtures__/check-context.js';
import { singlePresentation } from '../submission.js';
import { audienceCheck } from './audience.js';
import { challengeCheck } from './challenge.js';
import { parseCheck } from './parse.js';

describe('audience check', () => {
  it('passes a presentation naming the expected audience among others', async () => {
    const bench = checkBench();
    await bench.issueChallenge();
    const context = await bench.context(singlePresentation(presentationOf()), { before: [parseCheck, challengeCheck] });
    expect(audienceCheck.run(context, bench.deps)).toEqual([]);
  });

  it('answers audience.mismatch for another audience or none', async () => {
    const bench = checkBench();
    await bench.issueChallenge();
    const other = await bench.context(singlePresentation(presentationOf({ aud: 'https://elsewhere.example' })), { before: [parseCheck, challengeCheck] });
    expect(located(await audienceCheck.run(other, bench.deps))).toEqual([['audience.mismatch', 'presentation']]);
    const none = await bench.context(singlePresentation(presentationOf({ aud: undefined, nonce: 'unknown' })), { before: [parseCheck, challengeCheck] });
    const failures = await audienceCheck.run(none, bench.deps);
    expect(failures[0]?.detail).toBe('the presentation names no audience; expected "https://rp.example"');
  });

  it('leaves a presentation whose proof covers the audience (transcript) to its format', async () => {
    const bench = checkBench();
    const binding = { kind: 'oid4vp' as const, nonce: 'n', clientId: 'client', responseUri: 'https://r.example' };
    const context = await bench.context(singlePresentation(presentationOf({ transcript: true, aud: undefined })), {
      binding,
      before: [parseCheck, challengeCheck],
    });
    expect(audienceCheck.run(context, bench.deps)).toEqual([]);
  });
});
