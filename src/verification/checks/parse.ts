import type { CheckFailure } from '../../core/model/check.js';
import { MAX_PRESENTATIONS_PER_SUBMISSION, submissionPaths } from '../submission.js';
import type { VerificationCheck } from '../verification-context.js';

/**
 * Recognise the format of every presentation of the submission and parse it
 * and its credentials (nothing verified yet). A presentation naming a
 * credential query the policy does not define is refused: its credentials
 * could answer nothing.
 */
export const parseCheck: VerificationCheck = {
  name: 'parse',
  run(context, { formats }) {
    const { presentations } = context.submission;
    if (presentations.length === 0) {
      return [{ code: 'presentation.malformed', path: 'presentation', detail: 'the submission holds no presentation' }];
    }
    if (presentations.length > MAX_PRESENTATIONS_PER_SUBMISSION) {
      return [
        {
          code: 'presentation.malformed',
          path: 'presentation',
          detail: `the submission holds ${presentations.length} presentations; at most ${MAX_PRESENTATIONS_PER_SUBMISSION} are accepted`,
        },
      ];
    }
    const queryIds = new Set(context.policy.credentials.map((q) => q.id));
    const paths = submissionPaths(context.submission);
    const failures: CheckFailure[] = [];
    presentations.forEach((submitted, index) => {
      const { path, credentialPath } = paths[index] as (typeof paths)[number];
      if (submitted.queryId !== undefined && !queryIds.has(submitted.queryId)) {
        context.unparsed += 1;
        failures.push({
          code: 'presentation.malformed',
          path,
          detail: `the policy has no credential query ${JSON.stringify(submitted.queryId.slice(0, 64))}`,
          presentation: index,
        });
        return;
      }
      const scope = { index, path, credentialPath, ...(submitted.queryId !== undefined ? { queryId: submitted.queryId } : {}) };
      const outcome = formats.parse(submitted.input, scope, context.binding.kind);
      failures.push(...outcome.failures);
      if (!outcome.ok || !outcome.handler) {
        context.unparsed += 1;
        return;
      }
      context.presentations.push({ parsed: outcome.presentation, handler: outcome.handler, holderProofValid: false });
      for (const credential of outcome.presentation.credentials) {
        context.credentials.push({ credential, issuerProofValid: false, status: credential.status.length === 0 ? 'none' : 'unchecked' });
      }
    });
    return failures;
  },
};
