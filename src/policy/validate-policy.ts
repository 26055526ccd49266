/**
 * Validation of a presentation policy (docs/api.md "Presentation policies"), whoever supplies it: a
 * relying party through the admin API or the operator through policy files.
 * One function, so both are held to exactly the same rules.
 */
import type { ErrorEntry } from '../core/errors.js';
import { capViolations, exceedsExhaustiveLimit, validateWith } from '../core/json-schema.js';
import type { PresentationPolicy } from '../core/model/policy.js';
import { checkPolicyRules, type PolicyLimits } from './policy-rules.js';

export type { PolicyLimits } from './policy-rules.js';

export type PolicyValidation = { ok: true; policy: PresentationPolicy } | { ok: false; violations: ErrorEntry[] };

/** Schema file (schemas/presentation-policy.schema.json) all policies must match. */
export const POLICY_SCHEMA = 'presentation-policy';

/**
 * Checks `input` against the presentation-policy schema and the rules a schema
 * cannot express, and reports every violation (code `policy.invalid`, path a
 * JSON pointer), never only the first. Never throws, whatever `input` is.
 *
 * On success `policy` is a fresh copy of the input's JSON data: later changes
 * to the input cannot alter a validated policy, and only own, JSON-visible
 * properties count (an object's prototype cannot smuggle a field in).
 */
export function validatePolicy(input: unknown, limits: PolicyLimits): PolicyValidation {
  let data: unknown;
  try {
    const text = JSON.stringify(input);
    data = text === undefined ? undefined : JSON.parse(text);
  } catch {
    // Cycles, BigInt, throwing getters, nesting too deep to serialise.
    return { ok: false, violations: [{ code: 'policy.invalid', path: '', detail: 'must be JSON data' }] };
  }
  const schemaViolations = validateWith(POLICY_SCHEMA, data, 'policy.invalid');
  // An invalid value too large to list every schema violation is not worth checking further.
  if (schemaViolations.length > 0 && exceedsExhaustiveLimit(data)) return { ok: false, violations: schemaViolations };
  const violations: ErrorEntry[] = [
    ...schemaViolations,
    ...capViolations(
      checkPolicyRules(data, limits).map((v): ErrorEntry => ({ code: 'policy.invalid', ...v })),
      'policy.invalid',
    ),
  ];
  return violations.length === 0 ? { ok: true, policy: data as PresentationPolicy } : { ok: false, violations };
}
