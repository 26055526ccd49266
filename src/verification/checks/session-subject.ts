import type { VerificationCheck } from '../verification-context.js';

/**
 * Who the session is for. Every presentation's holder (a DID or an RFC 9278
 * JWK thumbprint URI) the same → that holder. Otherwise the policy must name
 * the credential query whose presentation gives the subject
 * (`session.subjectFrom`), or the submission is refused: kparty never picks
 * one of several holders by itself.
 */
export const sessionSubjectCheck: VerificationCheck = {
  name: 'session subject',
  run(context) {
    const holders = [...new Set(context.presentations.map(({ parsed }) => parsed.holder).filter((h): h is string => h !== undefined))];
    const subjectFrom = context.policy.session?.subjectFrom;
    if (subjectFrom === undefined) {
      if (holders.length <= 1) {
        if (holders[0] !== undefined) context.subject = holders[0];
        return [];
      }
      return [
        {
          code: 'presentation.holder_mismatch',
          path: 'presentation',
          detail: `the presentations are bound to ${holders.length} different holders, and the policy names no session.subjectFrom to choose the session's subject`,
        },
      ];
    }
    const evaluation = context.evaluation;
    if (!evaluation?.satisfied) return []; // the policy's own failures say why
    const credential = Object.hasOwn(evaluation.matches, subjectFrom) ? evaluation.matches[subjectFrom] : undefined;
    const holder = credential ? context.presentations.find(({ parsed }) => parsed.index === credential.ref.presentation)?.parsed.holder : undefined;
    if (holder === undefined) {
      return [
        {
          code: 'presentation.holder_mismatch',
          path: 'presentation',
          detail: `session.subjectFrom names credential query ${JSON.stringify(subjectFrom)}, which no presented credential bound to a holder answers`,
        },
      ];
    }
    context.subject = holder;
    return [];
  },
};
