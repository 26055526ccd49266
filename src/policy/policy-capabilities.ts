/**
 * What this kparty can verify, checked against a policy that already matches
 * its schema (issue 16): a policy no presentation could ever satisfy — an
 * issuer DID of a method kparty cannot resolve, a did:key that does not
 * decode, a credential format no installed format handler produces — is
 * refused with `policy.invalid` at the path; what is merely suspicious is
 * accepted and reported as a warning.
 *
 * Capabilities are supplied by the composition root (src/kparty.ts) from the
 * DID method registry and the format registry; nothing here names a DID
 * method's internals or a format.
 */
import type { ErrorEntry } from '../core/errors.js';
import { jsonPointer } from '../core/json-schema.js';
import type { PresentationPolicy } from '../core/model/policy.js';

export interface PolicyCapabilities {
  /** DID method names an issuer DID may use: the DID method registry's (`DidResolver.supportedMethods`). */
  didMethods: readonly string[];
  /**
   * Resolves, without any network access, DIDs of methods whose document is
   * the identifier itself; answers why one cannot be resolved, or undefined
   * when it can or when its method needs the network (not judged here).
   */
  offlineDidProblem?: (did: string) => Promise<string | undefined>;
  /** Credential formats the installed format handlers produce; undefined when they do not say (the check is then skipped). */
  credentialFormats?: ReadonlySet<string>;
  /** Why a did:web host can never be fetched (a loopback or private address not in KPARTY_OUTBOUND_ALLOW), or undefined. */
  didWebHostProblem?: (did: string) => string | undefined;
}

/** Something a policy author should look at; the policy is accepted. */
export interface PolicyWarning {
  /** JSON pointer into the policy. */
  path: string;
  detail: string;
}

export interface CapabilityCheck {
  violations: ErrorEntry[];
  warnings: PolicyWarning[];
}

const DID_METHOD = /^did:([a-z0-9]+):/;

/** Checks a schema-valid policy against what this kparty can verify. */
export async function checkPolicyCapabilities(policy: PresentationPolicy, capabilities: PolicyCapabilities): Promise<CapabilityCheck> {
  const violations: ErrorEntry[] = [];
  const warnings: PolicyWarning[] = [];
  const methods = new Set(capabilities.didMethods);
  for (const [index, query] of policy.credentials.entries()) {
    const base = ['credentials', index] as const;
    if (capabilities.credentialFormats && !capabilities.credentialFormats.has(query.format)) {
      violations.push({
        code: 'policy.invalid',
        path: jsonPointer([...base, 'format']),
        detail: `no installed format handler verifies ${JSON.stringify(query.format)} credentials (installed: ${[...capabilities.credentialFormats].sort().join(', ') || 'none'})`,
      });
    }
    if (query.status === 'ignore') {
      warnings.push({ path: jsonPointer([...base, 'status']), detail: 'status is not checked: a revoked or suspended credential is accepted' });
    }
    for (const [issuerIndex, entry] of (query.trustedIssuers ?? []).entries()) {
      const path = jsonPointer([...base, 'trustedIssuers', issuerIndex]);
      if (entry === '*') {
        warnings.push({ path, detail: '"*" trusts any issuer: anyone can issue a credential of this type to themselves' });
        continue;
      }
      // Issuer URLs, x509_hash identifiers and pinned keys ({ id, jwks }) were checked by the schema; only DIDs
      // need a method kparty can resolve.
      const issuer = typeof entry === 'string' ? entry : entry.id;
      if (/^https?:\/\//.test(issuer) || issuer.startsWith('x509_hash:')) continue;
      const method = DID_METHOD.exec(issuer)?.[1];
      if (method === undefined) {
        violations.push({ code: 'policy.invalid', path, detail: `${quote(issuer)} is not a DID, an https issuer URL or an x509_hash identifier` });
        continue;
      }
      if (!methods.has(method)) {
        violations.push({
          code: 'policy.invalid',
          path,
          detail: `DID method "${method}" is not supported (supported: ${[...methods].sort().join(', ')}): no credential from ${quote(issuer)} can be verified`,
        });
        continue;
      }
      if (issuer.includes('*')) continue; // a did:web domain pattern: no single DID to check
      const offline = await capabilities.offlineDidProblem?.(issuer);
      if (offline !== undefined) {
        violations.push({ code: 'policy.invalid', path, detail: `${quote(issuer)} cannot be resolved: ${offline}` });
        continue;
      }
      const hostProblem = capabilities.didWebHostProblem?.(issuer);
      if (hostProblem !== undefined) warnings.push({ path, detail: hostProblem });
    }
  }
  return { violations, warnings };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 128 ? `${text.slice(0, 128)}…` : text);
}
