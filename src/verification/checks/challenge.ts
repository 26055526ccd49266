import type { VerificationCheck } from '../verification-context.js';

/**
 * Consume the challenge named inside the presentation (`nonce`). It is
 * consumed whatever later checks decide, atomically across replicas, so it can
 * never be used twice (SPEC §1).
 */
export const challengeCheck: VerificationCheck = {
  name: 'challenge',
  async run(context, { nonces }) {
    const nonce = context.presentation?.nonce;
    if (nonce === undefined || nonce === '') {
      return [{ code: 'challenge.missing', path: 'presentation', detail: 'the presentation names no challenge ("nonce")' }];
    }
    // Nonces are 43 characters; anything far longer cannot be one and is not worth a lookup.
    const challenge = nonce.length <= 256 ? await nonces.consume(nonce, context.now) : null;
    context.challenge = challenge;
    if (!challenge) {
      return [{ code: 'challenge.unknown', path: 'presentation', detail: 'the challenge is unknown, expired or already used' }];
    }
    if (challenge.policyId !== context.policy.policy.id) {
      return [{ code: 'challenge.policy_mismatch', path: 'presentation', detail: 'the challenge was issued for another policy' }];
    }
    // Same id, other owner: the policy was deleted and re-created by someone else after the challenge was issued.
    if (challenge.policyOwner !== undefined && challenge.policyOwner !== context.policy.owner) {
      return [{ code: 'challenge.policy_mismatch', path: 'presentation', detail: 'the challenge was issued for a policy of another owner' }];
    }
    return [];
  },
};
