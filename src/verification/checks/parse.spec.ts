import { describe, expect, it } from '@jest/globals';
import { checkBench, located, member, presentationOf, toyPolicy } from '../__fixtures__/check-context.js';
import { fromVpToken, MAX_PRESENTATIONS_PER_SUBMISSION, singlePresentation } from '../submission.js';
import { parseCheck } from './parse.js';

describe('parse check', () => {
  it('parses every presentation and credential, placing each credential by reference and path', async () => {
    const bench = checkBench();
    const context = await bench.context(fromVpToken({ membership: [presentationOf(), presentationOf({ credentials: [member(), member()] })] }));
    expect(await parseCheck.run(context, bench.deps)).toEqual([]);
    expect(context.presentations.map((p) => [p.parsed.path, p.parsed.queryId])).toEqual([
      ['vpToken.membership[0]', 'membership'],
      ['vpToken.membership[1]', 'membership'],
    ]);
    expect(context.credentials.map((c) => [c.credential.path, c.credential.ref])).toEqual([
      ['vpToken.membership[0].credentials[0]', { presentation: 0, credential: 0 }],
      ['vpToken.membership[1].credentials[0]', { presentation: 1, credential: 0 }],
      ['vpToken.membership[1].credentials[1]', { presentation: 1, credential: 1 }],
    ]);
  });

  it('keeps the paths of a single presentation as they always were', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf()));
    await parseCheck.run(context, bench.deps);
    expect([context.presentations[0]?.parsed.path, context.credentials[0]?.credential.path]).toEqual(['presentation', 'credentials[0]']);
  });

  it('answers presentation.malformed for what no format recognises, and counts it unparsed', async () => {
    const bench = checkBench();
    const context = await bench.context({ presentations: [{ input: 'garbage' }, { input: presentationOf() }] });
    expect(located(await parseCheck.run(context, bench.deps))).toEqual([['presentation.malformed', 'presentations[0]']]);
    expect([context.unparsed, context.presentations.length]).toEqual([1, 1]);
  });

  it('refuses a presentation for a query the policy does not have, an empty submission and too many presentations', async () => {
    const bench = checkBench();
    const unknownQuery = await bench.context(fromVpToken({ nosuch: [presentationOf()] }), { policy: toyPolicy() });
    expect(located(await parseCheck.run(unknownQuery, bench.deps))).toEqual([['presentation.malformed', 'vpToken.nosuch[0]']]);
    expect(located(await parseCheck.run(await bench.context({ presentations: [] }), bench.deps))).toEqual([['presentation.malformed', 'presentation']]);
    const many = { presentations: Array.from({ length: MAX_PRESENTATIONS_PER_SUBMISSION + 1 }, () => ({ input: presentationOf() })) };
    const tooMany = await bench.context(many);
    expect(located(await parseCheck.run(tooMany, bench.deps))).toEqual([['presentation.malformed', 'presentation']]);
    expect(tooMany.presentations).toEqual([]);
  });

  it('reports a credential that does not parse and keeps the others', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [{ nope: true } as never, member()] })));
    expect(located(await parseCheck.run(context, bench.deps))).toEqual([['credential.malformed', 'credentials[0]']]);
    expect(context.credentials.map((c) => c.credential.path)).toEqual(['credentials[1]']);
  });
});
