/** One schema change. Append only: an applied migration is never edited. */
export interface Migration {
  /** Strictly increasing; a database records the versions it has applied. */
  version: number;
  name: string;
  sql: string;
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
];
