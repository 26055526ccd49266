import { OPERATOR_OWNER } from '../core/model/policy.js';

/** Two owners whose policies share one audience, found when migrating to owned audiences (issue 11). */
export interface AudienceClash {
  audience: string;
  first: string;
  second: string;
}

const ownerName = (owner: string): string => (owner === OPERATOR_OWNER ? 'the operator' : `relying party "${owner}"`);

/** The one line that stops start-up: both owners and the audience, and what to do. */
export function audienceClashMessage(clash: AudienceClash): string {
  return (
    `audience "${clash.audience}" is used by policies of ${ownerName(clash.first)} and of ${ownerName(clash.second)}; ` +
    "an audience belongs to one relying party: change or delete one side's policies, then start again"
  );
}
