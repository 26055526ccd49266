import { describe, expect, it } from '@jest/globals';
import { checkBench, located, member, presentationOf } from '../__fixtures__/check-context.js';
import { singlePresentation } from '../submission.js';
import { parseCheck } from './parse.js';
import { resolveDidsCheck } from './resolve-dids.js';

const DID_KEY = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('resolve DIDs check', () => {
  it('resolves each DID key source once, and resolves nothing for keys the format finds itself', async () => {
    const bench = checkBench();
    const context = await bench.context(
      singlePresentation(presentationOf({ credentials: [member({ issuerDid: DID_KEY }), member({ issuerDid: DID_KEY }), member()] })),
      {
        before: [parseCheck],
      },
    );
    expect(await resolveDidsCheck.run(context, bench.deps)).toEqual([]);
    expect([...context.documents.keys()]).toEqual([DID_KEY]);
  });

  it('reports a DID that does not resolve at every credential naming it, with its reference', async () => {
    const bench = checkBench();
    const context = await bench.context(
      singlePresentation(presentationOf({ credentials: [member({ issuerDid: 'did:example:x' }), member({ issuerDid: 'did:example:x' })] })),
      { before: [parseCheck] },
    );
    const failures = await resolveDidsCheck.run(context, bench.deps);
    expect(located(failures)).toEqual([
      ['did.method_unsupported', 'credentials[0]'],
      ['did.method_unsupported', 'credentials[1]'],
    ]);
    expect(failures.map((f) => f.credential)).toEqual([
      { presentation: 0, credential: 0 },
      { presentation: 0, credential: 1 },
    ]);
    expect(context.documents.get('did:example:x')).toBeNull();
  });

  it('answers presentation.malformed for a presentation naming no holder', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ holder: undefined })), { before: [parseCheck] });
    expect(located(await resolveDidsCheck.run(context, bench.deps))).toEqual([['presentation.malformed', 'presentation']]);
  });
});
