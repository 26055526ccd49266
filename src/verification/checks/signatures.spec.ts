import { describe, expect, it } from '@jest/globals';
import { checkBench, located, member, presentationOf } from '../__fixtures__/check-context.js';
import { singlePresentation } from '../submission.js';
import { parseCheck } from './parse.js';
import { resolveDidsCheck } from './resolve-dids.js';
import { signaturesCheck } from './signatures.js';

const before = [parseCheck, resolveDidsCheck];

describe('signatures check', () => {
  it('asks the format to verify the holder proof and each issuer proof, recording the outcomes', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [member(), { ...member(), claims: { level: 'platinum' } }] })), {
      before,
    });
    const failures = await signaturesCheck.run(context, bench.deps);
    expect(located(failures)).toEqual([['credential.signature_invalid', 'credentials[1]']]);
    expect(failures[0]?.credential).toEqual({ presentation: 0, credential: 1 });
    expect(context.presentations[0]?.holderProofValid).toBe(true);
    expect(context.credentials.map((c) => c.issuerProofValid)).toEqual([true, false]);
  });

  it('reports a forged holder proof', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation({ ...presentationOf(), proof: 'forged' }), { before });
    expect(located(await signaturesCheck.run(context, bench.deps))).toEqual([['presentation.signature_invalid', 'presentation']]);
    expect(context.presentations[0]?.holderProofValid).toBe(false);
  });

  it('does not verify a proof whose DID key did not resolve (reported before), leaving it unverified', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ credentials: [member({ issuerDid: 'did:example:gone' })] })), { before });
    expect(await signaturesCheck.run(context, bench.deps)).toEqual([]);
    expect(context.credentials[0]?.issuerProofValid).toBe(false);
  });
});
