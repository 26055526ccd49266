/** One schema change. Append only: an applied migration is never edited. */
export interface PostgresMigration {
  /** Strictly increasing; the database records the versions it has applied in `schema_migrations`. */
  version: number;
  name: string;
  sql: string;
}

/**
 * The PostgreSQL schema, in order; the same tables as the SQLite schema
 * (src/storage/sqlite/migrations.ts). Times are milliseconds since the epoch
 * in `bigint`. Identifiers that are listed or paged in order use the "C"
 * collation, so PostgreSQL orders them by code point like SQLite and the
 * memory adapter do, whatever the database's locale.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE relying_parties (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        api_key_hash text NOT NULL UNIQUE,
        created_at bigint NOT NULL
      );

      CREATE TABLE policies (
        id text COLLATE "C" PRIMARY KEY,
        owner text COLLATE "C" NOT NULL,
        body jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      -- (owner, id) serves list(owner) in id order without a sort.
      CREATE INDEX policies_owner ON policies (owner, id);

      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        -- Insertion order: breaks ties between keys created in the same millisecond.
        seq bigint GENERATED ALWAYS AS IDENTITY,
        alg text NOT NULL,
        private_jwk jsonb NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at bigint NOT NULL,
        activates_at bigint NOT NULL,
        retired_at bigint,
        expires_at bigint
      );

      -- Used only when REDIS_URL is unset; with Redis, challenges live there.
      CREATE TABLE challenges (
        nonce text PRIMARY KEY,
        policy_id text NOT NULL,
        domain text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX challenges_expires_at ON challenges (expires_at);

      CREATE TABLE settings (
        name text PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'audit_events',
    sql: `
      -- Verification decisions (AuditLog): who, which policy, what outcome and why; no credentials or claims.
      CREATE TABLE audit_events (
        id text COLLATE "C" PRIMARY KEY,
        time bigint NOT NULL,
        owner text COLLATE "C" NOT NULL,
        policy_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
        holder text,
        format text,
        codes text[] NOT NULL,
        credential_issuers text[],
        request_id text
      );
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
      -- Used only when REDIS_URL is unset; with Redis, the denylist lives there.
      CREATE TABLE session_denylist (
        jti text PRIMARY KEY,
        expires_at bigint NOT NULL
      );
      -- expires_at serves the purge.
      CREATE INDEX session_denylist_expires_at ON session_denylist (expires_at);
    `,
  },
  {
    version: 4,
    name: 'policy_change_notifications',
    sql: `
      -- Every committed change of a policy is announced on channel kparty_policy_changed as
      -- "<schema> <policy id>", so each replica can drop its cached copy (src/storage/postgres/policy-change-listener.ts).
      -- A trigger, not the adapter: it also covers writes by the CLI and by older replicas, and it fires in the
      -- writing transaction, so the notice goes out exactly when the change commits.
      CREATE FUNCTION kparty_notify_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('kparty_policy_changed', TG_TABLE_SCHEMA || ' ' || OLD.id);
        ELSE
          PERFORM pg_notify('kparty_policy_changed', TG_TABLE_SCHEMA || ' ' || NEW.id);
        END IF;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER policies_changed AFTER INSERT OR UPDATE OR DELETE ON policies
        FOR EACH ROW EXECUTE FUNCTION kparty_notify_policy_changed();
    `,
  },
  {
    version: 5,
    name: 'oid4vp_requests',
    sql: `
      -- OpenID4VP requests (src/oid4vp): the record as JSON, its version for compare-and-set, and when to purge it.
      CREATE TABLE oid4vp_requests (
        id text PRIMARY KEY,
        version integer NOT NULL,
        purge_at bigint NOT NULL,
        body text NOT NULL
      );
      CREATE INDEX oid4vp_requests_purge_at ON oid4vp_requests (purge_at);
    `,
  },
];
