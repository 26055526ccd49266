import { describe, expect, it } from '@jest/globals';
import { checkBench, located, presentationOf } from '../__fixtures__/check-context.js';
import { fromVpToken, singlePresentation } from '../submission.js';
import { challengeCheck } from './challenge.js';
import { parseCheck } from './parse.js';

const before = [parseCheck];

describe('challenge check (challenge binding)', () => {
  it('consumes the stated challenge once and expects its domain as the audience', async () => {
    const bench = checkBench();
    await bench.issueChallenge('n-1');
    const context = await bench.context(fromVpToken({ membership: [presentationOf(), presentationOf()] }), { before });
    expect(await challengeCheck.run(context, bench.deps)).toEqual([]);
    expect(context.expected).toEqual({ nonce: 'n-1', audience: 'https://rp.example' });
    expect(await bench.nonces.consume('n-1', Date.now())).toBeNull();
  });

  it('answers challenge.unknown for an unknown or replayed nonce, and the policy audience is still expected', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ nonce: 'never-issued' })), { before });
    expect(located(await challengeCheck.run(context, bench.deps))).toEqual([['challenge.unknown', 'presentation']]);
    expect(context.expected).toEqual({ audience: 'https://rp.example' });
  });

  it('answers challenge.missing for a presentation without a nonce', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ nonce: undefined })), { before });
    expect(located(await challengeCheck.run(context, bench.deps))).toEqual([['challenge.missing', 'presentation']]);
  });

  it('answers challenge.policy_mismatch for a challenge of another policy (consumed all the same)', async () => {
    const bench = checkBench();
    await bench.issueChallenge('n-1', 'other-policy');
    const context = await bench.context(singlePresentation(presentationOf()), { before });
    expect(located(await challengeCheck.run(context, bench.deps))).toEqual([['challenge.policy_mismatch', 'presentation']]);
    expect(await bench.nonces.consume('n-1', Date.now())).toBeNull();
  });

  it('does not look up a nonce far longer than any kparty issues', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ nonce: 'n'.repeat(10_000) })), { before });
    expect(located(await challengeCheck.run(context, bench.deps))).toEqual([['challenge.unknown', 'presentation']]);
  });
});

describe('challenge check (OpenID4VP binding)', () => {
  const binding = { kind: 'oid4vp' as const, nonce: 'request-nonce', clientId: 'x509_hash:abc', responseUri: 'https://kparty.example/r' };

  it("expects the request's nonce and client_id, consuming nothing from the challenge store", async () => {
    const bench = checkBench();
    await bench.issueChallenge('request-nonce');
    const context = await bench.context(singlePresentation(presentationOf({ nonce: 'request-nonce' })), { binding, before });
    expect(await challengeCheck.run(context, bench.deps)).toEqual([]);
    expect(context.expected).toMatchObject({ nonce: 'request-nonce', audience: 'x509_hash:abc', oid4vp: { responseUri: 'https://kparty.example/r' } });
    expect(await bench.nonces.consume('request-nonce', Date.now())).not.toBeNull();
  });

  it('refuses a presentation answering another nonce', async () => {
    const bench = checkBench();
    const context = await bench.context(singlePresentation(presentationOf({ nonce: 'other' })), { binding, before });
    expect(located(await challengeCheck.run(context, bench.deps))).toEqual([['challenge.unknown', 'presentation']]);
  });
});
