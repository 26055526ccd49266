/**
 * The `WWW-Authenticate: Bearer …` challenge of RFC 6750 §3. Attribute values
 * are quoted strings that may only hold %x20-21 / %x23-5B / %x5D-7E (no `"`,
 * no `\`, no control or non-ASCII characters), so anything else is replaced
 * rather than escaped: a header must never be built from raw input.
 */
import { DPOP_ALGORITHMS } from './dpop.js';

export interface BearerChallenge {
  realm?: string;
  error?: string;
  description?: string;
  /** Scope tokens (RFC 6749 §3.3); joined with spaces. */
  scope?: readonly string[];
}

const OUTSIDE_ALLOWED = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Makes a value safe inside an RFC 6750 quoted attribute. */
export function quotedAttributeValue(value: string): string {
  return value.replace(OUTSIDE_ALLOWED, '?').slice(0, 512);
}

/** `Bearer realm="…", error="…", error_description="…", scope="…"`, or just `Bearer`. */
export function bearerChallenge(challenge: BearerChallenge): string {
  const attributes: string[] = [];
  if (challenge.realm !== undefined) attributes.push(`realm="${quotedAttributeValue(challenge.realm)}"`);
  if (challenge.error !== undefined) attributes.push(`error="${quotedAttributeValue(challenge.error)}"`);
  if (challenge.description !== undefined) attributes.push(`error_description="${quotedAttributeValue(challenge.description)}"`);
  if (challenge.scope !== undefined && challenge.scope.length > 0) attributes.push(`scope="${quotedAttributeValue(challenge.scope.join(' '))}"`);
  return attributes.length === 0 ? 'Bearer' : `Bearer ${attributes.join(', ')}`;
}

/** `DPoP algs="…", error="…", …`: the RFC 9449 §7.1 challenge for DPoP-bound tokens, naming the proof algorithms accepted. */
export function dpopChallenge(challenge: BearerChallenge): string {
  const algs = `algs="${DPOP_ALGORITHMS.join(' ')}"`;
  const bearer = bearerChallenge(challenge);
  return bearer === 'Bearer' ? `DPoP ${algs}` : `${bearer.replace(/^Bearer/, 'DPoP')}, ${algs}`;
}
