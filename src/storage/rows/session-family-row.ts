import type { FamilyAccessToken, SessionFamily } from '../../core/ports/session-family-store.js';

/**
 * A `session_families` row with its JSON columns decoded. The columns a query
 * selects on are columns; the rest of the family (policy, audience, scope,
 * lifetimes, binding, re-check references) is one JSON document, `data`.
 */
export interface SessionFamilyRow {
  id: string;
  client_id: string;
  subject: string;
  current_token_hash: string;
  generation: number;
  sealed_claims: string;
  access_tokens: FamilyAccessToken[];
  idle_expires_at: number;
  absolute_expires_at: number;
  ended_at: number | null;
  end_reason: string | null;
  data: FamilyData;
}

type FamilyData = Pick<
  SessionFamily,
  'policyId' | 'audience' | 'scope' | 'accessTtl' | 'authenticatedClient' | 'dpopJkt' | 'recheck' | 'idleTtl' | 'credentials' | 'createdAt'
>;

export function toSessionFamilyRow(family: SessionFamily): SessionFamilyRow {
  const { id, clientId, subject, currentTokenHash, generation, sealedClaims, accessTokens, idleExpiresAt, absoluteExpiresAt, endedAt, endReason } = family;
  return {
    id,
    client_id: clientId,
    subject,
    current_token_hash: currentTokenHash,
    generation,
    sealed_claims: sealedClaims,
    access_tokens: accessTokens,
    idle_expires_at: idleExpiresAt,
    absolute_expires_at: absoluteExpiresAt,
    ended_at: endedAt ?? null,
    end_reason: endReason ?? null,
    data: {
      policyId: family.policyId,
      audience: family.audience,
      scope: family.scope,
      accessTtl: family.accessTtl,
      ...(family.authenticatedClient !== undefined ? { authenticatedClient: family.authenticatedClient } : {}),
      ...(family.dpopJkt !== undefined ? { dpopJkt: family.dpopJkt } : {}),
      recheck: family.recheck,
      idleTtl: family.idleTtl,
      credentials: family.credentials,
      createdAt: family.createdAt,
    },
  };
}

export function toSessionFamily(row: SessionFamilyRow): SessionFamily {
  return {
    ...row.data,
    id: row.id,
    clientId: row.client_id,
    subject: row.subject,
    currentTokenHash: row.current_token_hash,
    generation: Number(row.generation),
    sealedClaims: row.sealed_claims,
    accessTokens: row.access_tokens,
    idleExpiresAt: Number(row.idle_expires_at),
    absoluteExpiresAt: Number(row.absolute_expires_at),
    ...(row.ended_at !== null ? { endedAt: Number(row.ended_at) } : {}),
    ...(row.end_reason !== null ? { endReason: row.end_reason } : {}),
  };
}

/** The values of one `session_families` row as the INSERT binds them. */
export type SessionFamilyInsertValues = [string, string, string, string, number, string, string, number, number, number | null, string | null, string];

/**
 * The `session_families` INSERT's values, in column order (id, client_id, subject, current_token_hash, generation,
 * sealed_claims, access_tokens, idle_expires_at, absolute_expires_at, ended_at, end_reason, data): the same for
 * SQLite and PostgreSQL, JSON columns as text.
 */
export function sessionFamilyInsertValues(row: SessionFamilyRow): SessionFamilyInsertValues {
  return [
    row.id,
    row.client_id,
    row.subject,
    row.current_token_hash,
    row.generation,
    row.sealed_claims,
    JSON.stringify(row.access_tokens),
    row.idle_expires_at,
    row.absolute_expires_at,
    row.ended_at,
    row.end_reason,
    JSON.stringify(row.data),
  ];
}
