import pg from 'pg';
import type { Pool, PoolConfig } from 'pg';
import type { Logger } from '../../core/logger.js';

/** PostgreSQL's type OID of `bigint` (int8). */
const INT8_OID = 20;

/**
 * `bigint` columns (millisecond times, counts) as JavaScript numbers. pg
 * returns them as strings by default because int8 can exceed 2^53; kparty's
 * values (times until the year 285,000, row counts) never do. Per pool, not
 * the global `pg.types`, so no other user of pg in the process is affected.
 */
const types: NonNullable<PoolConfig['types']> = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as NonNullable<PoolConfig['types']>['getTypeParser'],
};

/** How kparty connects to PostgreSQL. */
export interface PostgresConnectionOptions {
  /** A `postgres://` URL as libpq understands it (user, password, host, port, database, sslmode, …). */
  url: string;
  /** Schema holding kparty's tables (search_path); created by the migrations when missing. Default: the server's (`public`). */
  schema?: string | undefined;
  /** Connections per process; default 10. */
  maxConnections?: number;
  /** Failing fast is what lets a wallet get a 503 instead of a hanging request while the server is away. */
  connectTimeoutMs?: number;
  /** Longest a statement may run before the server cancels it; default 10 s. */
  statementTimeoutMs?: number;
  /** `application_name` of the connections, shown in pg_stat_activity; default `kparty`. */
  applicationName?: string;
  logger?: Logger;
}

/** Default time to wait for a connection before the request fails (503 on wallet endpoints). */
export const CONNECT_TIMEOUT_MS = 3000;

/**
 * Opens a connection pool. Nothing connects until the first query: a server
 * that is down makes each query fail (fast, after `connectTimeoutMs`), and
 * the pool connects again on the next one — recovery needs no restart.
 */
export function createPostgresPool(options: PostgresConnectionOptions): Pool {
  const pool = new pg.Pool({
    ...postgresClientConfig(options),
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that breaks (server restarted, network cut) emits 'error' on the pool; without a
  // listener that would crash the process. The pool drops the connection and opens another when needed.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'an idle PostgreSQL connection failed; it is replaced on demand'));
  return pool;
}

/**
 * What every kparty connection to PostgreSQL is opened with — the pool's and
 * the dedicated LISTEN connection's (policy-change-listener.ts) alike.
 */
export function postgresClientConfig(options: PostgresConnectionOptions): pg.ClientConfig {
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  const { url, urlOptions } = withoutOptionsParameter(options.url);
  const serverOptions = [
    `-c statement_timeout=${statementTimeout}`,
    // After the URL's own options, so kparty's schema wins over a search_path set there.
    ...(urlOptions ? [urlOptions] : []),
    ...(options.schema === undefined ? [] : [`-c search_path=${options.schema}`]),
  ].join(' ');
  return {
    connectionString: url,
    options: serverOptions,
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // Client side too: a connection that stops answering (server gone without a reset) fails the query.
    query_timeout: statementTimeout + 2000,
    keepAlive: true,
    application_name: options.applicationName ?? 'kparty',
    types,
  };
}

/**
 * Takes libpq's `options` parameter out of the URL: pg lets a connection
 * string's value replace the `options` setting entirely, and kparty's own
 * server options (statement timeout, search_path) must be merged with it.
 */
function withoutOptionsParameter(raw: string): { url: string; urlOptions: string | undefined } {
  const parsed = new URL(raw);
  const urlOptions = parsed.searchParams.get('options') ?? undefined;
  if (urlOptions === undefined) return { url: raw, urlOptions };
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), urlOptions };
}

/** The URL with its password hidden, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
