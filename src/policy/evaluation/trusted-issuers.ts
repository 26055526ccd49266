import type { CredentialQuery, PinnedIssuerEntry, TrustedIssuerEntry } from '../../core/model/policy.js';

/**
 * Whether a credential's issuer is among a credential query's
 * `trustedIssuers` (docs/api.md "Presentation policies"): `"*"` (any issuer), an exact DID, or a did:web
 * domain pattern `did:web:*.example.com`.
 *
 * Exact entries compare byte for byte: DIDs are case-sensitive strings, and
 * no normalisation means no normalisation bug.
 *
 * A did:web pattern names the organisation that controls a DNS domain, and
 * matches did:web DIDs (https://w3c-ccg.github.io/did-method-web/) whose host
 * is a proper subdomain of it:
 * - `did:web:*.example.com` matches `did:web:hr.example.com` and
 *   `did:web:a.b.example.com`, not `did:web:example.com` itself (list it
 *   exactly if it is trusted), not `did:web:evilexample.com`, not
 *   `did:web:example.com.evil.org`.
 * - Host names compare case-insensitively (DNS names are, RFC 4343: both
 *   spellings resolve to the same server, so to the same controller).
 * - DIDs with a path (`did:web:hr.example.com:users:alice`) do NOT match.
 *   A path DID is a separate identity that a domain hosts, often for its
 *   users or tenants; trusting an organisation's hosts is not trusting every
 *   identity they host. Such issuers are listed exactly.
 * - Ports: a pattern without a port matches only DIDs without a port; a
 *   pattern with a port (`did:web:*.example.com%3A8443`) matches only DIDs on
 *   that port. A different port can be a different service with different
 *   operators, so a port is never implied. (`%3A` is case-insensitive, as all
 *   percent-encoding is, RFC 3986 §2.1; `%3A443` is not the same DID as no
 *   port and does not match a port-less pattern.)
 * - Anything that is not plain LDH host labels (percent-encoded bytes other
 *   than the port separator, a trailing dot, `*` in the DID, query or fragment)
 *   does not match: a pattern fails closed.
 */

// Case-insensitive host labels and `%3A`; the `did:web:` prefix is case-sensitive, as DID methods are.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = `${LABEL}(?:\\.${LABEL})+`;
const PORT = '(?:%3[Aa]([0-9]{1,5}))?';

/** `did:web:*.<domain>[%3A<port>]`, as the policy schema allows it. */
const PATTERN = new RegExp(`^did:web:\\*\\.(${DOMAIN})${PORT}$`);
/** A did:web DID naming a host (at least two labels) and optional port, without a path. */
const HOST_DID = new RegExp(`^did:web:(${DOMAIN})${PORT}$`);

const ANY_ISSUER = '*';

function port(digits: string | undefined): number | null | undefined {
  if (digits === undefined) return undefined;
  const value = Number(digits);
  return value >= 1 && value <= 65535 ? value : null;
}

/** Whether `entry` is a did:web domain pattern rather than an exact DID. */
export function isDidWebPattern(entry: string): boolean {
  return entry.startsWith('did:web:*');
}

/** Whether `issuer` is a did:web DID on a proper subdomain of `pattern`'s domain, on the same port (see above). */
export function matchesDidWebPattern(pattern: string, issuer: string): boolean {
  const wanted = PATTERN.exec(pattern);
  const actual = HOST_DID.exec(issuer);
  if (!wanted || !actual) return false;
  const domain = (wanted[1] as string).toLowerCase();
  const host = (actual[1] as string).toLowerCase();
  // The regex makes `host` whole labels, so a "." just before the domain is a label boundary.
  if (!host.endsWith(`.${domain}`)) return false;
  const wantedPort = port(wanted[2]);
  const actualPort = port(actual[2]);
  return wantedPort !== null && actualPort !== null && wantedPort === actualPort;
}

/** Whether `issuer` is accepted by `trustedIssuers` (docs/api.md "Presentation policies"); a pinned-key entry `{ id, jwks }` names `id` exactly. */
export function isTrustedIssuer(issuer: string, trustedIssuers: readonly TrustedIssuerEntry[]): boolean {
  return trustedIssuers.some((item) => {
    const entry = typeof item === 'string' ? item : item.id;
    if (entry === ANY_ISSUER) return true;
    if (isDidWebPattern(entry)) return matchesDidWebPattern(entry, issuer);
    return entry === issuer;
  });
}

/**
 * Whether a credential query's trust rules accept the credential: every rule
 * present must hold — its issuer is in `trustedIssuers`, and, when
 * `trusted_authorities` is given, some certificate of its validated X.509
 * chain has one of the `aki` key identifiers (a DID- or pinned-key-signed
 * credential has no chain and never matches). A query with neither rule
 * (which policy validation refuses) accepts nothing.
 */
export function trustFailure(
  query: Pick<CredentialQuery, 'trustedIssuers' | 'trusted_authorities'>,
  credential: { issuer: string; issuerKeyIds?: readonly string[] },
): string | undefined {
  if (query.trustedIssuers === undefined && query.trusted_authorities === undefined) return 'the policy names no trusted issuer';
  if (query.trustedIssuers !== undefined && !isTrustedIssuer(credential.issuer, query.trustedIssuers)) return 'is not trusted';
  if (query.trusted_authorities !== undefined) {
    const keyIds = credential.issuerKeyIds ?? [];
    const matches = query.trusted_authorities.some((authority) => authority.type === 'aki' && authority.values.some((aki) => keyIds.includes(aki)));
    if (!matches)
      return keyIds.length === 0 ? 'is not certified by any of the trusted_authorities (no X.509 chain)' : 'is not certified by any of the trusted_authorities';
  }
  return undefined;
}

/** The pinned-key entries of a set of credential queries (for the issuer-key routes, src/trust/issuer-keys.ts). */
export function pinnedIssuers(queries: readonly Pick<CredentialQuery, 'trustedIssuers'>[]): PinnedIssuerEntry[] {
  return queries.flatMap((q) => (q.trustedIssuers ?? []).filter((entry): entry is PinnedIssuerEntry => typeof entry !== 'string'));
}
