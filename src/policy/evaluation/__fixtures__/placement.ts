import type { CredentialRef } from '../../../core/model/presentation.js';

/** The reference of the credential at `path` (`credentials[2]` → presentation 0, credential 2), as the parse check places it. */
export function refAt(path: string): CredentialRef {
  const index = /^credentials\[(\d+)\]$/.exec(path)?.[1];
  return { presentation: 0, credential: index === undefined ? 0 : Number(index) };
}
