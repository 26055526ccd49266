import { ConfigError } from './errors.js';

/** Pino levels accepted by LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * kparty's configuration, read from the environment (SPEC §3). Every field is
 * validated at start; an invalid value stops start-up with a ConfigError naming
 * the variable.
 */
export interface KpartyConfig {
  /** `PORT`, default 8080. */
  port: number;
  /** `KPARTY_ISSUER`, default `http://localhost:$PORT`: `iss` of session tokens, base of metadata URLs. No trailing slash. */
  issuer: string;
  /** `DATABASE_URL`, default `sqlite:./data/kparty.db`. */
  database: DatabaseConfig;
  /** `REDIS_URL`, unset by default. */
  redisUrl: string | undefined;
  /** `KPARTY_ADMIN_KEY`: the operator key. Unset: generated on first start, only its hash kept. */
  adminKey: string | undefined;
  /** `KPARTY_POLICIES_DIR`: folder of policy JSON files loaded at start. */
  policiesDir: string | undefined;
  /** `KPARTY_SESSION_TTL` seconds, default 300. */
  sessionTtl: number;
  /** `KPARTY_SESSION_MAX_TTL` seconds, default 3600: no policy may exceed it. */
  sessionMaxTtl: number;
  /** `KPARTY_CHALLENGE_TTL` seconds, default 300. */
  challengeTtl: number;
  /** `KPARTY_CLOCK_SKEW` seconds tolerated on iat/nbf/exp, default 60. */
  clockSkew: number;
  /** `KPARTY_OUTBOUND_ALLOW`: exact `host:port` pairs outbound fetches may reach although private/loopback, and over http. */
  outboundAllow: ReadonlySet<string>;
  /** `KPARTY_FETCH_TIMEOUT_MS`, default 3000. */
  fetchTimeoutMs: number;
  /** `KPARTY_FETCH_MAX_BYTES`, default 1 MiB. */
  fetchMaxBytes: number;
  /** `KPARTY_RATE_LIMIT` requests per minute per client address on wallet-facing endpoints, default 600; 0 disables. */
  rateLimitPerMinute: number;
  /** `KPARTY_AUDIT_RETENTION_DAYS`, default 90: audit events older than this are deleted; 0 keeps them forever. */
  auditRetentionDays: number;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /** NODE_ENV === 'production': unsafe settings refuse to start. */
  production: boolean;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function parseIssuer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`KPARTY_ISSUER must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`KPARTY_ISSUER must use https (or http for local use), got ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('KPARTY_ISSUER must not carry a query, fragment or credentials');
  }
  return raw.replace(/\/+$/, '');
}

function parseDatabase(raw: string): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (!path) throw new ConfigError('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/kparty.db');
    return { kind: 'sqlite', path };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
}

function parseOutboundAllow(raw: string | undefined): Set<string> {
  const allowed = new Set<string>();
  if (!raw) return allowed;
  for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(`KPARTY_OUTBOUND_ALLOW entries must be host:port, got ${JSON.stringify(item)}`);
    }
    allowed.add(item.toLowerCase());
  }
  return allowed;
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): KpartyConfig {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const production = env.NODE_ENV === 'production';
  const issuer = parseIssuer(env.KPARTY_ISSUER || `http://localhost:${port}`);
  if (production && !issuer.startsWith('https://')) {
    throw new ConfigError('KPARTY_ISSUER must be an https URL when NODE_ENV=production');
  }
  const database = parseDatabase(env.DATABASE_URL || 'sqlite:./data/kparty.db');

  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  }

  const adminKey = env.KPARTY_ADMIN_KEY || undefined;
  if (adminKey !== undefined && adminKey.length < 32) {
    throw new ConfigError('KPARTY_ADMIN_KEY must be at least 32 characters (use e.g. `openssl rand -base64 32`)');
  }

  const sessionTtl = integer(env, 'KPARTY_SESSION_TTL', 300, 1, 86_400);
  const sessionMaxTtl = integer(env, 'KPARTY_SESSION_MAX_TTL', 3600, 1, 86_400);
  if (sessionTtl > sessionMaxTtl) {
    throw new ConfigError(`KPARTY_SESSION_TTL (${sessionTtl}) must not exceed KPARTY_SESSION_MAX_TTL (${sessionMaxTtl})`);
  }

  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }

  return {
    port,
    issuer,
    database,
    redisUrl,
    adminKey,
    policiesDir: env.KPARTY_POLICIES_DIR || undefined,
    sessionTtl,
    sessionMaxTtl,
    challengeTtl: integer(env, 'KPARTY_CHALLENGE_TTL', 300, 1, 86_400),
    clockSkew: integer(env, 'KPARTY_CLOCK_SKEW', 60, 0, 3600),
    outboundAllow: parseOutboundAllow(env.KPARTY_OUTBOUND_ALLOW),
    fetchTimeoutMs: integer(env, 'KPARTY_FETCH_TIMEOUT_MS', 3000, 1, 60_000),
    fetchMaxBytes: integer(env, 'KPARTY_FETCH_MAX_BYTES', 1_048_576, 1, 64 * 1_048_576),
    rateLimitPerMinute: integer(env, 'KPARTY_RATE_LIMIT', 600, 0, 10_000_000),
    auditRetentionDays: integer(env, 'KPARTY_AUDIT_RETENTION_DAYS', 90, 0, 36_500),
    logLevel,
    production,
  };
}
