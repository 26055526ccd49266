import type { Database } from 'better-sqlite3';
import { audienceClashMessage, type AudienceClash } from '../audience-clash.js';

/** One schema change. Append only: an applied migration is never edited. */
export interface Migration {
  /** Strictly increasing; a database records the versions it has applied. */
  version: number;
  name: string;
  sql: string;
  /** Runs first, in the migration's transaction: throws (one line) when the data cannot be migrated without guessing. */
  check?: (db: Database) => void;
}

/**
 * The SQLite schema, in order. Tables are STRICT so a wrongly typed value is
 * an error rather than silently stored; times are milliseconds since the epoch.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE relying_parties (
        id TEXT NOT NULL PRIMARY KEY,
        name TEXT NOT NULL,
        api_key_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE policies (
        id TEXT NOT NULL PRIMARY KEY,
        owner TEXT NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- (owner, id) serves list(owner) in id order without a sort.
      CREATE INDEX policies_owner ON policies (owner, id);

      CREATE TABLE signing_keys (
        kid TEXT NOT NULL PRIMARY KEY,
        alg TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        activates_at INTEGER NOT NULL,
        retired_at INTEGER,
        expires_at INTEGER
      ) STRICT;

      -- WITHOUT ROWID: consume deletes by nonce from one b-tree, not an index plus a table.
      CREATE TABLE challenges (
        nonce TEXT NOT NULL PRIMARY KEY,
        policy_id TEXT NOT NULL,
        domain TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX challenges_expires_at ON challenges (expires_at);

      CREATE TABLE settings (
        name TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'audit_events',
    sql: `
      -- Verification decisions (AuditLog). No credentials or claims: only who, which policy, what outcome and why.
      -- WITHOUT ROWID: rows are clustered by id, which is time-ordered, so the operator's newest-first listing
      -- walks one b-tree backwards.
      CREATE TABLE audit_events (
        id TEXT NOT NULL PRIMARY KEY,
        time INTEGER NOT NULL,
        owner TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
        holder TEXT,
        format TEXT,
        codes TEXT NOT NULL CHECK (json_valid(codes)),
        credential_issuers TEXT CHECK (credential_issuers IS NULL OR json_valid(credential_issuers)),
        request_id TEXT
      ) STRICT, WITHOUT ROWID;
      -- (owner, id) serves a relying party's newest-first pages by keyset without a sort.
      CREATE INDEX audit_events_owner ON audit_events (owner, id);
      -- time serves the retention purge.
      CREATE INDEX audit_events_time ON audit_events (time);
    `,
  },
  {
    version: 3,
    name: 'session_denylist',
    sql: `
      -- Revoked session tokens (RFC 7009) by jti, until the token's exp plus the verifier's clock skew.
      -- WITHOUT ROWID: isRevoked is one lookup in one b-tree, on every introspection and forward-auth call.
      CREATE TABLE session_denylist (
        jti TEXT NOT NULL PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      -- expires_at serves the purge.
      CREATE INDEX session_denylist_expires_at ON session_denylist (expires_at);
    `,
  },
  {
    version: 4,
    name: 'oid4vp_requests',
    sql: `
      -- OpenID4VP requests (src/oid4vp): the record as JSON, its version for compare-and-set, and when to purge it.
      CREATE TABLE oid4vp_requests (
        id TEXT NOT NULL PRIMARY KEY,
        version INTEGER NOT NULL,
        purge_at INTEGER NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body))
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX oid4vp_requests_purge_at ON oid4vp_requests (purge_at);
    `,
  },
  {
    version: 5,
    name: 'session_families',
    sql: `
      -- Refresh-token families (docs/sessions.md): no credential and no claim in clear. sealed_claims is encrypted
      -- under a key derived from the live refresh token, which is stored only as its SHA-256 (current_token_hash).
      CREATE TABLE session_families (
        id TEXT NOT NULL PRIMARY KEY,
        client_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        current_token_hash TEXT NOT NULL,
        generation INTEGER NOT NULL,
        sealed_claims TEXT NOT NULL,
        access_tokens TEXT NOT NULL CHECK (json_valid(access_tokens)),
        idle_expires_at INTEGER NOT NULL,
        absolute_expires_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT,
        data TEXT NOT NULL CHECK (json_valid(data))
      ) STRICT;
      -- subject serves "log this person out everywhere"; the expiry columns serve the purge.
      CREATE INDEX session_families_subject ON session_families (subject, client_id);
      CREATE INDEX session_families_idle ON session_families (idle_expires_at);
      CREATE INDEX session_families_absolute ON session_families (absolute_expires_at);
      CREATE INDEX session_families_ended ON session_families (ended_at) WHERE ended_at IS NOT NULL;

      -- Every refresh token of a family, live (rotated_at NULL) or rotated, by hash: reuse detection.
      CREATE TABLE session_refresh_tokens (
        hash TEXT NOT NULL PRIMARY KEY,
        family_id TEXT NOT NULL REFERENCES session_families (id) ON DELETE CASCADE,
        rotated_at INTEGER
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX session_refresh_tokens_family ON session_refresh_tokens (family_id);
    `,
  },
  {
    version: 6,
    name: 'relying_party_audiences',
    // Issue 11: an audience belongs to one relying party. Each party's audiences are derived from its policies;
    // two parties (or a party and the operator) sharing one stop the migration: kparty never guesses the owner.
    check: (db) => {
      const clash = db
        .prepare<[], AudienceClash>(
          `SELECT json_extract(body, '$.audience') AS audience, min(owner) AS first, max(owner) AS second
           FROM policies GROUP BY json_extract(body, '$.audience') HAVING count(DISTINCT owner) > 1
             AND sum(owner <> '@operator') > 0 ORDER BY audience LIMIT 1`,
        )
        .get();
      if (clash) throw new Error(audienceClashMessage(clash));
    },
    sql: `
      CREATE TABLE relying_party_audiences (
        audience TEXT NOT NULL PRIMARY KEY,
        relying_party_id TEXT NOT NULL REFERENCES relying_parties (id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX relying_party_audiences_party ON relying_party_audiences (relying_party_id, audience);
      ALTER TABLE relying_parties ADD COLUMN callback_origins TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(callback_origins));
      ALTER TABLE relying_parties ADD COLUMN logo_uri TEXT;
      INSERT INTO relying_party_audiences (audience, relying_party_id)
        SELECT DISTINCT json_extract(p.body, '$.audience'), p.owner FROM policies p JOIN relying_parties r ON r.id = p.owner;
      -- The policy owner a challenge was issued for (issue 11): a policy deleted and re-created by someone else refuses it.
      ALTER TABLE challenges ADD COLUMN policy_owner TEXT;
    `,
  },
];
