import { describe, expect, it } from '@jest/globals';
import { checkBench, member, presentationOf, toyPolicy, toyQuery } from '../__fixtures__/check-context.js';
import { fromVpToken } from '../submission.js';
import { parseCheck } from './parse.js';
import { policyCheck } from './policy.js';
import { resolveDidsCheck } from './resolve-dids.js';
import { sessionSubjectCheck } from './session-subject.js';
import { signaturesCheck } from './signatures.js';

const before = [parseCheck, resolveDidsCheck, signaturesCheck, policyCheck];
const twoQueries = (session?: { subjectFrom: string }) =>
  toyPolicy({ credentials: [toyQuery('membership'), toyQuery('library')], ...(session ? { session } : {}) });
const bobs = () => presentationOf({ holder: 'toy:bob', credentials: [member({ subject: 'toy:bob' })] });

describe('session subject check', () => {
  it('takes the one holder all presentations share', async () => {
    const bench = checkBench();
    const context = await bench.context(fromVpToken({ membership: [presentationOf()], library: [presentationOf()] }), { policy: twoQueries(), before });
    expect(sessionSubjectCheck.run(context, bench.deps)).toEqual([]);
    expect(context.subject).toBe('toy:alice');
  });

  it('refuses different holders without session.subjectFrom', async () => {
    const bench = checkBench();
    const context = await bench.context(fromVpToken({ membership: [presentationOf()], library: [bobs()] }), { policy: twoQueries(), before });
    const failures = await sessionSubjectCheck.run(context, bench.deps);
    expect(failures.map((f) => f.code)).toEqual(['presentation.holder_mismatch']);
    expect(context.subject).toBeUndefined();
  });

  it('takes the holder of the presentation answering session.subjectFrom', async () => {
    const bench = checkBench();
    const context = await bench.context(fromVpToken({ membership: [presentationOf()], library: [bobs()] }), {
      policy: twoQueries({ subjectFrom: 'library' }),
      before,
    });
    expect(sessionSubjectCheck.run(context, bench.deps)).toEqual([]);
    expect(context.subject).toBe('toy:bob');
  });
});
