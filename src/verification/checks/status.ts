import type { CheckFailure } from '../../core/model/check.js';
import type { CredentialQuery } from '../../core/model/policy.js';
import type { VerificationCheck } from '../verification-context.js';

const STRICTNESS = { required: 2, optional: 1, ignore: 0 } as const;

/** The strictest `status` setting among the policy's queries for this format (default `required`). */
function statusSetting(queries: CredentialQuery[], format: string): keyof typeof STRICTNESS {
  let setting: keyof typeof STRICTNESS = 'ignore';
  for (const query of queries) {
    const own = query.status ?? 'required';
    if (query.format === format && STRICTNESS[own] > STRICTNESS[setting]) setting = own;
  }
  return setting;
}

/**
 * Credential status (revocation/suspension lists). Status-list fetching is not
 * in this build yet, so a credential that carries a status entry cannot be
 * shown to be unrevoked: under `status: required` (the default) it fails
 * closed with `credential.status_unavailable`; under `optional` or `ignore` it
 * passes and is reported as `unchecked`.
 */
export const statusCheck: VerificationCheck = {
  name: 'status',
  run(context) {
    const presentation = context.presentation;
    if (!presentation) return [];
    const failures: CheckFailure[] = [];
    for (const credential of presentation.credentials) {
      if (credential.status.length === 0) {
        context.statuses.set(credential, 'none');
        continue;
      }
      context.statuses.set(credential, 'unchecked');
      if (statusSetting(context.policy.policy.credentials, credential.format) === 'required') {
        failures.push({
          code: 'credential.status_unavailable',
          path: credential.path,
          detail: 'the credential has a status entry, and status lists cannot be checked by this version of kparty',
        });
      }
    }
    return failures;
  },
};
