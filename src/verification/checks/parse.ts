import type { VerificationCheck } from '../verification-context.js';

/** Recognise the format and parse the presentation and its credentials (nothing verified yet). */
export const parseCheck: VerificationCheck = {
  name: 'parse',
  run(context, { formats }) {
    const outcome = formats.parse(context.input);
    if (outcome.handler) context.handler = outcome.handler;
    if (outcome.ok) context.presentation = outcome.presentation;
    return outcome.failures;
  },
};
