import type { CheckFailure } from '../../core/model/check.js';
import type { VerificationCheck, VerificationContext, VerificationDependencies } from '../verification-context.js';

/** Nonces are 43 characters; anything far longer cannot be one and is not worth a lookup. */
const MAX_NONCE_LENGTH = 256;

/**
 * `challenge` binding (POST /v1/presentations/verify, POST /v1/token): every
 * presentation stating a challenge must state the same one, which is
 * consumed ONCE for the whole submission, whatever later checks decide,
 * atomically across replicas, so it can never be used twice
 * (docs/api.md "Challenges").
 */
async function consumeChallenge(context: VerificationContext, { nonces }: VerificationDependencies): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  let first: { nonce: string; path: string; index: number } | undefined;
  for (const { parsed } of context.presentations) {
    if (parsed.challenge.kind !== 'stated') continue;
    const nonce = parsed.challenge.nonce;
    if (nonce === undefined || nonce === '') {
      failures.push({ code: 'challenge.missing', path: parsed.path, detail: 'the presentation names no challenge ("nonce")', presentation: parsed.index });
    } else if (first === undefined) {
      first = { nonce, path: parsed.path, index: parsed.index };
    } else if (nonce !== first.nonce) {
      failures.push({
        code: 'challenge.unknown',
        path: parsed.path,
        detail: `the presentation answers another challenge than ${first.path}: all presentations of a submission answer one challenge`,
        presentation: parsed.index,
      });
    }
  }
  if (first === undefined) {
    context.expected = { audience: context.policy.audience };
    if (failures.length === 0) failures.push({ code: 'challenge.missing', path: 'presentation', detail: 'no presentation names a challenge' });
    return failures;
  }
  const challenge = first.nonce.length <= MAX_NONCE_LENGTH ? await nonces.consume(first.nonce, context.now) : null;
  context.challenge = challenge;
  // When the challenge is unknown, the policy's audience (which a challenge's domain is) is still the expected audience.
  context.expected = challenge ? { nonce: challenge.nonce, audience: challenge.domain } : { audience: context.policy.audience };
  if (!challenge) {
    failures.push({ code: 'challenge.unknown', path: first.path, detail: 'the challenge is unknown, expired or already used', presentation: first.index });
  } else if (challenge.policyId !== context.policy.id) {
    failures.push({ code: 'challenge.policy_mismatch', path: first.path, detail: 'the challenge was issued for another policy', presentation: first.index });
  } else if (challenge.policyOwner !== undefined && context.policyOwner !== undefined && challenge.policyOwner !== context.policyOwner) {
    // Same id, other owner: the policy was deleted and re-created by someone else after the challenge was issued (issue 11).
    failures.push({
      code: 'challenge.policy_mismatch',
      path: first.path,
      detail: 'the challenge was issued for a policy of another owner',
      presentation: first.index,
    });
  }
  return failures;
}

/**
 * `oid4vp` binding: the request's nonce (consumed by the request's state
 * transition, not here); every presentation stating a challenge must state it.
 */
function requestNonce(context: VerificationContext, binding: Extract<VerificationContext['binding'], { kind: 'oid4vp' }>): CheckFailure[] {
  context.expected = {
    nonce: binding.nonce,
    audience: binding.clientId,
    oid4vp: {
      nonce: binding.nonce,
      clientId: binding.clientId,
      responseUri: binding.responseUri,
      ...(binding.responseEncryptionJwkThumbprint !== undefined ? { responseEncryptionJwkThumbprint: binding.responseEncryptionJwkThumbprint } : {}),
    },
  };
  const failures: CheckFailure[] = [];
  for (const { parsed } of context.presentations) {
    if (parsed.challenge.kind !== 'stated') continue;
    const nonce = parsed.challenge.nonce;
    if (nonce === undefined || nonce === '') {
      failures.push({ code: 'challenge.missing', path: parsed.path, detail: 'the presentation names no challenge ("nonce")', presentation: parsed.index });
    } else if (nonce !== binding.nonce) {
      failures.push({
        code: 'challenge.unknown',
        path: parsed.path,
        detail: "the presentation does not answer this request's nonce",
        presentation: parsed.index,
      });
    }
  }
  return failures;
}

/** The challenge every presentation of the submission answers (see above); sets what the audience and proof checks expect. */
export const challengeCheck: VerificationCheck = {
  name: 'challenge',
  async run(context, deps) {
    if (context.presentations.length === 0) return [];
    const binding = context.binding;
    return binding.kind === 'oid4vp' ? requestNonce(context, binding) : consumeChallenge(context, deps);
  },
};
