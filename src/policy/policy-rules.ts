/**
 * The rules of a presentation policy that its JSON Schema cannot express:
 * references between parts of the policy, and limits set by configuration.
 *
 * Each rule runs even when the schema already found violations, so an author
 * sees every problem at once. Rules therefore read the policy as untrusted
 * JSON data and skip any part whose shape the schema will already report.
 */
import { RESERVED_SESSION_CLAIMS } from '../core/model/reserved-claims.js';
import { jsonPointer } from '../core/json-schema.js';
import { parsePublicJwk } from '../crypto/public-jwk.js';
import { signatureAlgorithms } from '../crypto/signature-algorithms.js';
import { credentialFormat, credentialFormats } from '../formats/registered-formats.js';

/** Configuration a policy is checked against. */
export interface PolicyLimits {
  /** `KPARTY_SESSION_MAX_TTL`: the longest `session.ttlSeconds` a policy may ask for. */
  sessionMaxTtl: number;
  /** `KPARTY_REFRESH_MAX_TTL`: the longest `session.refresh.absoluteTtlSeconds`; default {@link DEFAULT_REFRESH_MAX_TTL}. */
  refreshMaxTtl?: number;
}

/** KPARTY_REFRESH_MAX_TTL's default: 30 days. */
export const DEFAULT_REFRESH_MAX_TTL = 30 * 86_400;

/** A rule violation, before it is given its error code. */
export interface RuleViolation {
  /** JSON pointer into the policy. */
  path: string;
  detail: string;
}

type JsonObject = Record<string, unknown>;
type PolicyRule = (policy: JsonObject, limits: PolicyLimits) => RuleViolation[];

/**
 * Session-token claims kparty sets itself (src/core/model/reserved-claims.ts, the
 * same list issuance uses): mapping them from a credential would let credential
 * content override who the holder is or what the token is for.
 */
const KPARTY_CLAIMS = RESERVED_SESSION_CLAIMS;

/** Names that change an object's prototype when code assigns `claims[name] = value`. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function at(tokens: ReadonlyArray<string | number>, detail: string): RuleViolation {
  return { path: jsonPointer(tokens), detail };
}

/** A string from the policy, quoted for a message and cut short: a violation must not echo megabytes. */
function quote(text: string): string {
  return JSON.stringify(text.length > 128 ? `${text.slice(0, 128)}…` : text);
}

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function credentialQueries(policy: JsonObject): Array<{ query: JsonObject; index: number }> {
  return asArray(policy.credentials).flatMap((value, index) => {
    const query = asObject(value);
    return query ? [{ query, index }] : [];
  });
}

/** Credential query ids defined by the policy (first definition wins). */
function definedIds(policy: JsonObject): Map<string, number> {
  const ids = new Map<string, number>();
  for (const { query, index } of credentialQueries(policy)) {
    if (typeof query.id === 'string' && !ids.has(query.id)) ids.set(query.id, index);
  }
  return ids;
}

function unknownId(id: string, ids: Map<string, number>): string {
  const known = [...ids.keys()].slice(0, 20).map(quote);
  return `unknown credential query id ${quote(id)}; the policy defines: ${known.join(', ') || 'none'}`;
}

/** DCQL: credential query ids are unique, since credential_sets and session.claims name queries by id. */
const uniqueCredentialIds: PolicyRule = (policy) => {
  const ids = definedIds(policy);
  return credentialQueries(policy).flatMap(({ query, index }) => {
    if (typeof query.id !== 'string') return [];
    const first = ids.get(query.id);
    if (first === undefined || first === index) return [];
    const firstAt = jsonPointer(['credentials', first, 'id']);
    return [at(['credentials', index, 'id'], `duplicate credential query id ${quote(query.id)} (first defined at ${firstAt})`)];
  });
};

/** DCQL: claim ids are unique within their credential query. */
const uniqueClaimIds: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) => {
    const seen = new Map<string, number>();
    return asArray(query.claims).flatMap((value, claimIndex) => {
      const id = asObject(value)?.id;
      if (typeof id !== 'string') return [];
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, claimIndex);
        return [];
      }
      const firstAt = jsonPointer(['credentials', index, 'claims', first, 'id']);
      return [at(['credentials', index, 'claims', claimIndex, 'id'], `duplicate claim id ${quote(id)} (first defined at ${firstAt})`)];
    });
  });

/** Every id in a credential set's options names a credential query. */
const credentialSetsReferenceQueries: PolicyRule = (policy) => {
  const ids = definedIds(policy);
  return asArray(policy.credential_sets).flatMap((set, setIndex) =>
    asArray(asObject(set)?.options).flatMap((option, optionIndex) =>
      asArray(option).flatMap((id, idIndex) =>
        typeof id === 'string' && !ids.has(id) ? [at(['credential_sets', setIndex, 'options', optionIndex, idIndex], unknownId(id, ids))] : [],
      ),
    ),
  );
};

/** Every session claim is taken from a credential query the policy defines. */
const sessionClaimsReferenceQueries: PolicyRule = (policy) => {
  const ids = definedIds(policy);
  const claims = asObject(asObject(policy.session)?.claims) ?? {};
  return Object.entries(claims).flatMap(([name, source]) => {
    const id = asArray(source)[0];
    return typeof id === 'string' && !ids.has(id) ? [at(['session', 'claims', name, 0], unknownId(id, ids))] : [];
  });
};

/** `session.subjectFrom` names a credential query the policy defines. */
const sessionSubjectFromReferencesQuery: PolicyRule = (policy) => {
  const id = asObject(policy.session)?.subjectFrom;
  const ids = definedIds(policy);
  return typeof id === 'string' && !ids.has(id) ? [at(['session', 'subjectFrom'], unknownId(id, ids))] : [];
};

/** Session claims never replace the claims kparty sets, nor an object's prototype. */
const sessionClaimsNotReserved: PolicyRule = (policy) => {
  const claims = asObject(asObject(policy.session)?.claims) ?? {};
  return Object.keys(claims).flatMap((name) => {
    if (KPARTY_CLAIMS.has(name)) {
      return [at(['session', 'claims', name], `${JSON.stringify(name)} is set by kparty and cannot be mapped from a credential`)];
    }
    if (PROTOTYPE_KEYS.has(name)) {
      return [at(['session', 'claims', name], `${JSON.stringify(name)} is not allowed as a claim name`)];
    }
    return [];
  });
};

/** "Any issuer" must be stated on its own, so it is never hidden among specific issuers by mistake. */
const wildcardIssuerAlone: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) => {
    const issuers = asArray(query.trustedIssuers);
    if (issuers.length < 2) return [];
    return issuers.flatMap((issuer, issuerIndex) =>
      issuer === '*' ? [at(['credentials', index, 'trustedIssuers', issuerIndex], '"*" (any issuer) must be the only entry of trustedIssuers')] : [],
    );
  });

/**
 * Each DCQL `meta` member applies to the formats that define it
 * (format-handler.ts `metaKeys`): the wrong one for a format would constrain nothing.
 */
const metaMatchesFormat: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) => {
    const meta = asObject(query.meta);
    const format = typeof query.format === 'string' ? credentialFormat(query.format) : undefined;
    if (!meta || !format) return [];
    return Object.keys(meta).flatMap((key) => {
      if (format.metaKeys.includes(key)) return [];
      const owners = credentialFormats()
        .filter((f) => f.metaKeys.includes(key))
        .map((f) => f.id);
      if (owners.length === 0) return []; // the schema names members no format defines
      const use = format.metaKeys.length > 0 ? `; use ${format.metaKeys.join(' or ')}` : '';
      return [at(['credentials', index, 'meta', key], `applies only to format${owners.length > 1 ? 's' : ''} ${owners.join(', ')}, not ${format.id}${use}`)];
    });
  });

/**
 * OpenID4VP 1.0 Appendix B: each format names the `meta` members a query
 * must give (`type_values` for the W3C formats, `vct_values` for SD-JWT VC).
 * Without them a wallet using a conforming DCQL library refuses the query
 * kparty hands out with a challenge.
 */
const metaRequiredByFormat: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) => {
    const format = typeof query.format === 'string' ? credentialFormat(query.format) : undefined;
    if (!format) return [];
    const meta = asObject(query.meta);
    return format.requiredMetaKeys
      .filter((key) => meta?.[key] === undefined)
      .map((key) => at(['credentials', index, 'meta', key], `is required for format ${format.id} (OpenID4VP 1.0 Appendix B)`));
  });

/** The operator caps session lifetimes; a policy cannot lengthen them beyond that. */
const sessionTtlWithinMax: PolicyRule = (policy, limits) => {
  const ttl = asObject(policy.session)?.ttlSeconds;
  return typeof ttl === 'number' && ttl > limits.sessionMaxTtl
    ? [at(['session', 'ttlSeconds'], `must not exceed ${limits.sessionMaxTtl}, this service's maximum session lifetime (KPARTY_SESSION_MAX_TTL)`)]
    : [];
};

/** Accepting any issuer must be stated: a query needs `trustedIssuers` or DCQL `trusted_authorities` (or both, which must then both hold). */
const trustRuleRequired: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) =>
    query.trustedIssuers === undefined && query.trusted_authorities === undefined
      ? [at(['credentials', index, 'trustedIssuers'], 'is required unless trusted_authorities is given (use ["*"] to accept any issuer)')]
      : [],
  );

/** Pinned issuer keys must be public signing keys kparty can verify with (src/crypto/signature-algorithms.ts). */
const pinnedKeysUsable: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) =>
    asArray(query.trustedIssuers).flatMap((entry, entryIndex) =>
      asArray(asObject(asObject(entry)?.jwks)?.keys).flatMap((key, keyIndex) => {
        const parsed = parsePublicJwk(key);
        const where = ['credentials', index, 'trustedIssuers', entryIndex, 'jwks', 'keys', keyIndex];
        if (!parsed.ok) return [at(where, parsed.detail)];
        return signatureAlgorithms(parsed.jwk, parsed.usage).length === 0 ? [at(where, 'is not a key kparty can verify signatures with')] : [];
      }),
    ),
  );
/** A refresh token's idle lifetime fits in the session's; the session's in the operator's cap. */
const refreshLifetimes: PolicyRule = (policy, limits) => {
  const refresh = asObject(asObject(policy.session)?.refresh);
  if (!refresh) return [];
  const { ttlSeconds, absoluteTtlSeconds } = refresh;
  const violations: RuleViolation[] = [];
  const max = limits.refreshMaxTtl ?? DEFAULT_REFRESH_MAX_TTL;
  if (typeof absoluteTtlSeconds === 'number' && absoluteTtlSeconds > max) {
    violations.push(
      at(['session', 'refresh', 'absoluteTtlSeconds'], `must not exceed ${max}, this service's maximum session lifetime with refresh (KPARTY_REFRESH_MAX_TTL)`),
    );
  }
  if (typeof ttlSeconds === 'number' && typeof absoluteTtlSeconds === 'number' && ttlSeconds > absoluteTtlSeconds) {
    violations.push(at(['session', 'refresh', 'ttlSeconds'], 'must not exceed absoluteTtlSeconds'));
  }
  return violations;
};

/** Every rule, in the order their violations are listed. */
const POLICY_RULES: readonly PolicyRule[] = [
  uniqueCredentialIds,
  uniqueClaimIds,
  metaMatchesFormat,
  metaRequiredByFormat,
  wildcardIssuerAlone,
  credentialSetsReferenceQueries,
  sessionTtlWithinMax,
  sessionClaimsReferenceQueries,
  sessionClaimsNotReserved,
  trustRuleRequired,
  pinnedKeysUsable,
  sessionSubjectFromReferencesQuery,
  refreshLifetimes,
];

/** Runs every rule against `policy` (any JSON value; non-objects have nothing to check). */
export function checkPolicyRules(policy: unknown, limits: PolicyLimits): RuleViolation[] {
  const object = asObject(policy);
  return object ? POLICY_RULES.flatMap((rule) => rule(object, limits)) : [];
}
