import type { VerificationCheck } from '../verification-context.js';

/**
 * The presentation must name the challenge's `domain` as its audience, so a
 * presentation made for one relying party cannot be replayed to another. When
 * the challenge is unknown, the policy's audience (which a challenge's domain
 * is) is the expected value, so this check still says something useful.
 */
export const audienceCheck: VerificationCheck = {
  name: 'audience',
  run(context) {
    const presentation = context.presentation;
    if (!presentation) return [];
    const expected = context.challenge?.domain ?? context.policy.policy.audience;
    if (presentation.audience.includes(expected)) return [];
    return [
      {
        code: 'audience.mismatch',
        path: 'presentation',
        detail: presentation.audience.length === 0 ? `the presentation names no audience; expected "${expected}"` : `the presentation's audience is not "${expected}"`,
      },
    ];
  },
};
