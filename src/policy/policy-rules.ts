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

/** Configuration a policy is checked against. */
export interface PolicyLimits {
  /** `KPARTY_SESSION_MAX_TTL`: the longest `session.ttlSeconds` a policy may ask for. */
  sessionMaxTtl: number;
}

/** A rule violation, before it is given its error code. */
export interface RuleViolation {
  /** JSON pointer into the policy. */
  path: string;
  detail: string;
}

type JsonObject = Record<string, unknown>;
type PolicyRule = (policy: JsonObject, limits: PolicyLimits) => RuleViolation[];

const W3C_FORMATS = ['jwt_vc_json', 'vc+jwt', 'ldp_vc'];

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
        typeof id === 'string' && !ids.has(id)
          ? [at(['credential_sets', setIndex, 'options', optionIndex, idIndex], unknownId(id, ids))]
          : [],
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
      issuer === '*'
        ? [at(['credentials', index, 'trustedIssuers', issuerIndex], '"*" (any issuer) must be the only entry of trustedIssuers')]
        : [],
    );
  });

/** `vct_values` constrains SD-JWT VCs and `type_values` W3C credentials; the wrong one would constrain nothing. */
const metaMatchesFormat: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) => {
    const meta = asObject(query.meta);
    const format = query.format;
    if (!meta || typeof format !== 'string') return [];
    const violations: RuleViolation[] = [];
    if (meta.vct_values !== undefined && W3C_FORMATS.includes(format)) {
      violations.push(at(['credentials', index, 'meta', 'vct_values'], `applies only to format dc+sd-jwt, not ${format}; use type_values`));
    }
    if (meta.type_values !== undefined && format === 'dc+sd-jwt') {
      const formats = W3C_FORMATS.join(', ');
      violations.push(at(['credentials', index, 'meta', 'type_values'], `applies only to the W3C formats (${formats}), not dc+sd-jwt; use vct_values`));
    }
    return violations;
  });

/**
 * OpenID4VP 1.0 Appendix B: a W3C credential query needs `meta.type_values`
 * and an SD-JWT VC query `meta.vct_values`. Without them a wallet using a
 * conforming DCQL library refuses the query kparty hands out with a challenge.
 */
const metaRequiredByFormat: PolicyRule = (policy) =>
  credentialQueries(policy).flatMap(({ query, index }) => {
    const format = query.format;
    const meta = asObject(query.meta);
    if (typeof format !== 'string') return [];
    if (W3C_FORMATS.includes(format) && meta?.type_values === undefined) {
      return [at(['credentials', index, 'meta', 'type_values'], `is required for format ${format} (OpenID4VP 1.0 Appendix B)`)];
    }
    if (format === 'dc+sd-jwt' && meta?.vct_values === undefined) {
      return [at(['credentials', index, 'meta', 'vct_values'], 'is required for format dc+sd-jwt (OpenID4VP 1.0 Appendix B)')];
    }
    return [];
  });

/** The operator caps session lifetimes; a policy cannot lengthen them beyond that. */
const sessionTtlWithinMax: PolicyRule = (policy, limits) => {
  const ttl = asObject(policy.session)?.ttlSeconds;
  return typeof ttl === 'number' && ttl > limits.sessionMaxTtl
    ? [at(['session', 'ttlSeconds'], `must not exceed ${limits.sessionMaxTtl}, this service's maximum session lifetime (KPARTY_SESSION_MAX_TTL)`)]
    : [];
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
];

/** Runs every rule against `policy` (any JSON value; non-objects have nothing to check). */
export function checkPolicyRules(policy: unknown, limits: PolicyLimits): RuleViolation[] {
  const object = asObject(policy);
  return object ? POLICY_RULES.flatMap((rule) => rule(object, limits)) : [];
}
