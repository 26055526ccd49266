import type { CheckFailure } from '../../core/model/check.js';
import type { VerificationCheck } from '../verification-context.js';

/**
 * Every presentation that states an audience must name the expected one (the
 * challenge's `domain`, or the OpenID4VP `client_id`), so a presentation made
 * for one relying party cannot be replayed to another. When the challenge is
 * unknown, the policy's audience (which a challenge's domain is) is the
 * expected value, so this check still says something useful. Presentations
 * whose proof covers the audience (`proved`) are checked by their format.
 */
export const audienceCheck: VerificationCheck = {
  name: 'audience',
  run(context) {
    const expected = context.expected?.audience ?? context.policy.audience;
    const failures: CheckFailure[] = [];
    for (const { parsed } of context.presentations) {
      if (parsed.challenge.kind !== 'stated') continue;
      const audience = parsed.challenge.audience;
      if (audience.includes(expected)) continue;
      failures.push({
        code: 'audience.mismatch',
        path: parsed.path,
        detail: audience.length === 0 ? `the presentation names no audience; expected "${expected}"` : `the presentation's audience is not "${expected}"`,
        presentation: parsed.index,
      });
    }
    return failures;
  },
};
