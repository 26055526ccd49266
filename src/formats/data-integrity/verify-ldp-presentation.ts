import type { CheckFailure } from '../../core/model/check.js';
import type { LdpCredential, LdpPresentation } from './ldp-documents.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment } from './verify-proofs.js';

/** What the caller already knows the presentation must be bound to (W3C VC API `options`, or a consumed challenge). */
export interface LdpBinding {
  challenge?: string;
  domain?: string;
}

export interface LdpPresentationVerification {
  /** Whether every proof of the presentation verified with the holder's `authentication` keys. */
  holderProofValid: boolean;
  /** The challenge the presentation's proofs carry (to consume), when they verified. */
  challenge?: string;
  domains: string[];
  /** Data Integrity credentials whose every proof verified with their issuer's `assertionMethod` keys. */
  signedCredentials: Set<LdpCredential>;
  failures: CheckFailure[];
}

/**
 * The proofs of an `ldp_vp` presentation and of each Data Integrity credential
 * in it — verification only. Validity periods, status, holder binding, the
 * policy and enveloped (VC-JOSE) credentials are the checks table's business,
 * as for every format. Proofs run concurrently; never throws for anything the
 * input can cause.
 */
export async function verifyLdpPresentation(presentation: LdpPresentation, binding: LdpBinding, env: DataIntegrityEnvironment): Promise<LdpPresentationVerification> {
  const holderJob = verifyDataIntegrityProofs(
    presentation.document,
    { role: 'presentation', path: 'presentation', signer: presentation.holder, ...(binding.challenge !== undefined ? { challenge: binding.challenge } : {}), ...(binding.domain !== undefined ? { domain: binding.domain } : {}) },
    env,
  );
  const signedCredentials = new Set<LdpCredential>();
  const credentialJobs = presentation.credentials.map(async (entry) => {
    if (entry.kind !== 'ldp') return [];
    const credential = entry.credential;
    const outcome = await verifyDataIntegrityProofs(credential.document, { role: 'credential', path: credential.path, signer: credential.issuer }, env);
    if (outcome.ok) signedCredentials.add(credential);
    return outcome.ok ? [] : outcome.failures;
  });
  const [holder, credentialFailures] = await Promise.all([holderJob, Promise.all(credentialJobs)]);
  const failures = [...(holder.ok ? [] : holder.failures), ...credentialFailures.flat()];
  return {
    holderProofValid: holder.ok,
    ...(holder.ok && holder.challenge !== undefined ? { challenge: holder.challenge } : {}),
    domains: holder.ok ? holder.domains : [],
    signedCredentials,
    failures,
  };
}
