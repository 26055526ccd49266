import { isIP } from 'node:net';
import { ConfigError } from './errors.js';

/** Pino levels accepted by LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where the durable state lives. For PostgreSQL, `url` is DATABASE_URL without
 * kparty's own `schema` query parameter, which becomes `schema` (the tables'
 * schema, created when missing; default: the server's search_path).
 */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string | undefined };

/**
 * kparty's configuration, read from the environment (docs/operations.md). Every field is
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
  /** `REDIS_URL`, unset by default: challenges, the session denylist, caches and rate limits then live in Redis. */
  redisUrl: string | undefined;
  /** `KPARTY_REDIS_PREFIX`, default `kparty:`: the start of every Redis key, so deployments can share a Redis. */
  redisPrefix: string;
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
  /** KPARTY_DNS_MAX_CONCURRENT (2) and KPARTY_DNS_MAX_QUEUED (256): system lookups running at once and waiting (src/net/pinned-address.ts). */
  dnsLimits: { maxConcurrent: number; maxQueued: number };
  /** `KPARTY_FETCH_MAX_BYTES`, default 1 MiB. */
  fetchMaxBytes: number;
  /**
   * Lifetimes of cached DID documents (did:web), seconds: `KPARTY_DID_CACHE_MIN_TTL` (default 60) and
   * `KPARTY_DID_CACHE_MAX_TTL` (default 3600) bound what Cache-Control may ask for; `KPARTY_DID_CACHE_NEGATIVE_TTL`
   * (default 10) remembers a failure; `KPARTY_DID_CACHE_STALE_GRACE` (default 300) is how long past its lifetime a
   * document may serve while its host fails. See src/did/did-document-cache.ts.
   */
  didCache: { minTtl: number; maxTtl: number; negativeTtl: number; staleGrace: number };
  /** `KPARTY_RATE_LIMIT` requests per minute per client address on wallet-facing endpoints, default 600; 0 disables. */
  rateLimitPerMinute: number;
  /** `KPARTY_RATE_LIMIT_PER_POLICY` requests per minute per policy, all clients together, on wallet-facing endpoints; default 0 (off). */
  rateLimitPerPolicyPerMinute: number;
  /**
   * `KPARTY_TRUST_PROXY`: addresses or CIDR ranges of reverse proxies whose
   * `X-Forwarded-For` names the client (for rate limits and logs). Empty
   * (default): the TCP peer is the client and forwarded headers are ignored.
   */
  trustProxy: readonly string[];
  /** `KPARTY_AUDIT_RETENTION_DAYS`, default 90: audit events older than this are deleted; 0 keeps them forever. */
  auditRetentionDays: number;
  /**
   * `KPARTY_STATUS_CACHE_MIN_TTL` seconds, default 60: a fetched status list is cached at least this long, even when its
   * own `ttl` is shorter, so a list publisher cannot make kparty fetch on every verification (IETF Token Status List,
   * "Expiration and Caching"). 0 honours any list `ttl`.
   */
  /** KPARTY_POLICY_CACHE_MAX_AGE, seconds (PostgreSQL only): how long a policy read is reused in process; 0 disables. */
  policyCacheMaxAge: number;
  statusCacheMinTtl: number;
  /** `KPARTY_STATUS_CACHE_MAX_TTL` seconds, default 3600: a status list is cached at most this long, even when its own `ttl` is longer. */
  statusCacheMaxTtl: number;
  /**
   * `KPARTY_STATUS_STALE_GRACE` seconds, default 600: how long past its freshness a cached status list may still answer
   * while its host cannot be reached — only for policies with `status: optional`. 0: never.
   */
  statusStaleGrace: number;
  /** `KPARTY_STATUS_MAX_LIST_BYTES`, default 16 MiB: most bytes a status list may inflate to; a larger one (a decompression bomb) is refused. */
  statusMaxListBytes: number;
  /** `KPARTY_MAX_ERRORS`, default 100: most failed checks a rejection lists (`errorsOmitted` counts the rest). */
  maxErrors: number;
  /** `KPARTY_MAX_RESPONSE_BYTES`, default 1 MiB: largest verification success body; a larger one is refused before it is audited as accepted. */
  maxResponseBytes: number;
  /**
   * `KPARTY_KEY_ROTATION_LEAD` seconds, default 600: a new session-signing key is published in the JWKS this long
   * before it signs, so downstream JWKS caches (max-age {@link JWKS_MAX_AGE_SECONDS}) hold it first. Must exceed that max-age.
   */
  keyRotationLead: number;
  /** `KPARTY_KEY_ROTATION_INTERVAL` seconds, default 2592000 (30 days): scheduled signing-key rotation; 0 turns it off. */
  keyRotationInterval: number;
  /**
   * Per-request budgets (issue 11; docs/security.md, "Per-request budgets"): `KPARTY_REQUEST_MAX_FETCHES` (default 16)
   * distinct outbound fetches (network DID documents, status lists) per verification; `KPARTY_REQUEST_MAX_INFLATED_BYTES`
   * (default 32 MiB) decompressed bytes per verification; `KPARTY_INFLATE_BUDGET_BYTES` (default 128 MiB) decompressed
   * bytes held by all verifications in flight. See src/net/request-budget.ts.
   */
  requestBudget: { maxFetches: number; maxInflatedBytes: number; inflateBudgetBytes: number };
  /**
   * Inbound HTTP timeouts, milliseconds (docs/security.md, "Inbound timeouts"): `KPARTY_HTTP_REQUEST_TIMEOUT_MS`
   * (default 30000) to receive a whole request, headers and body; `KPARTY_HTTP_HEADERS_TIMEOUT_MS` (default 10000) to
   * receive the headers; `KPARTY_HTTP_IDLE_TIMEOUT_MS` (default 30000) of socket inactivity; `KPARTY_HTTP_KEEP_ALIVE_TIMEOUT_MS`
   * (default 72000, above common load balancers' idle timeouts) an idle keep-alive connection is kept.
   */
  httpTimeouts: { requestMs: number; headersMs: number; idleMs: number; keepAliveMs: number };
  /**
   * `KPARTY_SECRET_KEY` (32 bytes, base64url/base64 or hex): wraps private keys at rest with AES-256-GCM
   * (src/crypto/secret-box.ts); `KPARTY_SECRET_KEY_PREVIOUS` (comma-separated) keys that may still unwrap, for rotation.
   * Unset: private keys are stored in clear, with a warning at start in production.
   */
  secretKeys: { current: Uint8Array; previous: Uint8Array[] } | undefined;
  /**
   * `KPARTY_TRUST_ANCHORS`: folder of PEM CA certificates that `x5c` chains of credential issuers, status-list
   * signers and mdoc document signers must end at (src/trust/, docs/operations.md "Trust anchors"). Unset: no
   * X.509-signed credential is trusted. The folder is read at start; see src/trust/trust-anchors.ts.
   */
  trustAnchorsDir: string | undefined;
  /**
   * Caps on an mdoc DeviceResponse's CBOR, checked before it is decoded (src/formats/mdoc/cbor-scan.ts,
   * docs/security.md "mdoc"): `KPARTY_MDOC_MAX_BYTES` (default 524288), `KPARTY_MDOC_MAX_DEPTH` (default 24),
   * `KPARTY_MDOC_MAX_ITEMS` (default 20000).
   */
  mdocLimits: { maxBytes: number; maxDepth: number; maxItems: number };
  /**
   * `KPARTY_REFRESH_REUSE_GRACE` seconds, default 10: a rotated refresh token presented again this soon after its
   * rotation (a retry, a second tab) gets `invalid_grant` and harms nothing; later it is reuse and ends the session
   * family (RFC 9700 §4.14.2). See docs/sessions.md.
   */
  refreshReuseGrace: number;
  /** `KPARTY_REFRESH_MAX_TTL` seconds, default 2592000 (30 days): the longest `session.refresh.absoluteTtlSeconds` a policy may ask for. */
  refreshMaxTtl: number;
  /**
   * `KPARTY_DPOP_PROOF_WINDOW` seconds, default 60: a DPoP proof's `iat` may be this far in the past (and
   * KPARTY_CLOCK_SKEW in the future); its `jti` is remembered this long (RFC 9449 §11.1).
   */
  dpopProofWindow: number;
  /** `KPARTY_DPOP_NONCE`, default false: require server-provided `DPoP-Nonce` values in proofs (RFC 9449 §8). */
  dpopNonce: boolean;
  /** `KPARTY_DPOP_MAX_PROOF_BYTES`, default 8192: longer `DPoP` headers are refused before they are parsed. */
  dpopMaxProofBytes: number;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /** NODE_ENV === 'production': unsafe settings refuse to start. */
  production: boolean;
  /** `HOST`, default `0.0.0.0` (every IPv4 interface): the address the HTTP server binds; `127.0.0.1` keeps it local, `::` every IPv6 and IPv4 one. */
  host: string;
  /**
   * `KPARTY_LOG_HOLDER`, default `hash`: how the decision log line names the holder — `hash` (a pseudonym,
   * `sha256:` + 16 hex digits of SHA-256 of the DID: the same holder gives the same value, matchable against a
   * known DID, not readable), or `omit`. The audit log keeps the DID either way.
   */
  logHolder: 'hash' | 'omit';
  /**
   * `KPARTY_DID_DRIVERS`: comma-separated installed packages implementing the did-resolver driver interface
   * (`getResolver()`), e.g. `pkh-did-resolver`, for DID methods beyond did:key, did:jwk and did:web. Empty by default
   * (src/did/drivers/did-drivers.ts, docs/security.md#did-drivers).
   */
  didDrivers: readonly string[];
  /** `KPARTY_JSONLD_CONTEXTS`: folder of operator JSON-LD contexts, pinned by `contexts.json` (docs/operations.md). */
  jsonldContextsDir: string | undefined;
  /** Caps on Data Integrity documents before any JSON-LD work (src/formats/data-integrity/document-caps.ts, docs/security.md). */
  dataIntegrity: DataIntegrityLimitsConfig;
  /** OpenID4VP 1.0 verifier settings (docs/oid4vp.md). */
  oid4vp: Oid4vpConfig;
  /** `KPARTY_VC_API_PUBLIC=true`: the W3C VC API verifier endpoints need no API key (docs/api.md). Default false. */
  vcApiPublic: boolean;
}

/** `KPARTY_JSONLD_MAX_DEPTH`, `…_MAX_NODES`, `…_MAX_QUADS`, `…_MAX_BLANK_NODES`, `KPARTY_RDFC_MAX_WORK_FACTOR`, `KPARTY_DI_MAX_PROOFS`. */
export interface DataIntegrityLimitsConfig {
  maxDepth: number;
  maxNodes: number;
  maxQuads: number;
  maxBlankNodes: number;
  maxWorkFactor: number;
  maxProofs: number;
}

/** OpenID4VP 1.0 client identifier prefixes kparty can sign (or, for `redirect_uri`, send) requests under. */
export const OID4VP_CLIENT_ID_PREFIXES = ['x509_hash', 'x509_san_dns', 'decentralized_identifier', 'redirect_uri'] as const;
export type Oid4vpClientIdPrefix = (typeof OID4VP_CLIENT_ID_PREFIXES)[number];

export interface Oid4vpConfig {
  /**
   * `KPARTY_OID4VP_CLIENT_ID_PREFIX`: default `decentralized_identifier` (kparty's own did:web), `x509_hash` when
   * KPARTY_OID4VP_X509_CHAIN is set. `redirect_uri` (unsigned requests) refuses to start when NODE_ENV=production.
   */
  clientIdPrefix: Oid4vpClientIdPrefix;
  /** `KPARTY_OID4VP_X509_CHAIN`: PEM file, the request-signing certificate chain, leaf first. */
  x509ChainFile: string | undefined;
  /** `KPARTY_OID4VP_X509_KEY`: PEM file, the leaf certificate's private key (PKCS#8). */
  x509KeyFile: string | undefined;
  /** `KPARTY_OID4VP_REQUEST_TTL` seconds, default 300: how long a request stays open for a wallet. */
  requestTtl: number;
  /** `KPARTY_OID4VP_RESULT_TTL` seconds, default 300: how long a decided request's result is kept (deleted once read). */
  resultTtl: number;
  /** `KPARTY_OID4VP_MAX_RESPONSE_BYTES`, default 262144: the largest authorization response (form body or JWE) accepted. */
  maxResponseBytes: number;
  /** `KPARTY_OID4VP_CALLBACK_ATTEMPTS`, default 5: how many times a callback is tried (back-off 1 s, 2 s, 4 s, ...). */
  callbackAttempts: number;
  /**
   * `KPARTY_OID4VP_RP_CERTIFICATES`: folder of relying parties' own request-signing certificates (operator-managed):
   * `<relying party id>.chain.pem` + `<relying party id>.key.pem`. Such a relying party's requests are signed under its
   * own x509_hash (or x509_san_dns) client id instead of the deployment's.
   */
  rpCertificatesDir: string | undefined;
}

function parseOid4vp(env: Env, production: boolean): Oid4vpConfig {
  const x509ChainFile = env.KPARTY_OID4VP_X509_CHAIN || undefined;
  const x509KeyFile = env.KPARTY_OID4VP_X509_KEY || undefined;
  if ((x509ChainFile === undefined) !== (x509KeyFile === undefined)) {
    throw new ConfigError('KPARTY_OID4VP_X509_CHAIN and KPARTY_OID4VP_X509_KEY must be set together');
  }
  const raw = env.KPARTY_OID4VP_CLIENT_ID_PREFIX || (x509ChainFile ? 'x509_hash' : 'decentralized_identifier');
  if (!(OID4VP_CLIENT_ID_PREFIXES as readonly string[]).includes(raw)) {
    throw new ConfigError(`KPARTY_OID4VP_CLIENT_ID_PREFIX must be one of ${OID4VP_CLIENT_ID_PREFIXES.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  const clientIdPrefix = raw as Oid4vpClientIdPrefix;
  if ((clientIdPrefix === 'x509_hash' || clientIdPrefix === 'x509_san_dns') && !x509ChainFile) {
    throw new ConfigError(`KPARTY_OID4VP_CLIENT_ID_PREFIX=${clientIdPrefix} needs KPARTY_OID4VP_X509_CHAIN and KPARTY_OID4VP_X509_KEY`);
  }
  if (clientIdPrefix === 'redirect_uri' && production) {
    throw new ConfigError('KPARTY_OID4VP_CLIENT_ID_PREFIX=redirect_uri sends unsigned requests and is refused when NODE_ENV=production');
  }
  return {
    clientIdPrefix,
    x509ChainFile,
    x509KeyFile,
    requestTtl: integer(env, 'KPARTY_OID4VP_REQUEST_TTL', 300, 10, 86_400),
    resultTtl: integer(env, 'KPARTY_OID4VP_RESULT_TTL', 300, 1, 86_400),
    maxResponseBytes: integer(env, 'KPARTY_OID4VP_MAX_RESPONSE_BYTES', 262_144, 1024, 1_048_576),
    callbackAttempts: integer(env, 'KPARTY_OID4VP_CALLBACK_ATTEMPTS', 5, 1, 10),
    rpCertificatesDir: env.KPARTY_OID4VP_RP_CERTIFICATES || undefined,
  };
}

type Env = Record<string, string | undefined>;

/** `Cache-Control: max-age` of /.well-known/jwks.json; the key-rotation lead time must exceed it. */
export const JWKS_MAX_AGE_SECONDS = 60;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** `true` / `false` (or unset: false); anything else stops start-up. */
function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
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
    return { kind: 'postgres', ...postgresSchema(raw) };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
}

/** A schema name kparty accepts: an unquoted PostgreSQL identifier, lower case. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Takes kparty's `schema` query parameter out of a postgres:// URL (libpq would refuse it). */
function postgresSchema(raw: string): { url: string; schema: string | undefined } {
  const url = new URL(raw);
  const schema = url.searchParams.get('schema');
  if (schema === null) return { url: raw, schema: undefined };
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigError(`DATABASE_URL schema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63), got ${JSON.stringify(schema)}`);
  }
  url.searchParams.delete('schema');
  return { url: url.toString(), schema };
}

/** `KPARTY_TRUST_PROXY`: comma-separated IP addresses or CIDR ranges. */
function parseTrustProxy(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [address = '', bits, ...rest] = item.split('/');
      const family = isIP(address);
      const maxBits = family === 6 ? 128 : 32;
      const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
      if (family === 0 || rest.length > 0 || !validBits) {
        throw new ConfigError(`KPARTY_TRUST_PROXY entries must be IP addresses or CIDR ranges, got ${JSON.stringify(item)}`);
      }
      return item;
    });
}

function parseOutboundAllow(raw: string | undefined): Set<string> {
  const allowed = new Set<string>();
  if (!raw) return allowed;
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(`KPARTY_OUTBOUND_ALLOW entries must be host:port, got ${JSON.stringify(item)}`);
    }
    allowed.add(item.toLowerCase());
  }
  return allowed;
}

function parseDidCache(env: Env): KpartyConfig['didCache'] {
  const minTtl = integer(env, 'KPARTY_DID_CACHE_MIN_TTL', 60, 0, 86_400);
  const maxTtl = integer(env, 'KPARTY_DID_CACHE_MAX_TTL', 3600, 1, 7 * 86_400);
  if (minTtl > maxTtl) {
    throw new ConfigError(`KPARTY_DID_CACHE_MIN_TTL (${minTtl}) must not exceed KPARTY_DID_CACHE_MAX_TTL (${maxTtl})`);
  }
  return {
    minTtl,
    maxTtl,
    negativeTtl: integer(env, 'KPARTY_DID_CACHE_NEGATIVE_TTL', 10, 0, 3600),
    staleGrace: integer(env, 'KPARTY_DID_CACHE_STALE_GRACE', 300, 0, 86_400),
  };
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
  const redisPrefix = env.KPARTY_REDIS_PREFIX ?? 'kparty:';
  if (!/^[A-Za-z0-9:_.{}-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError('KPARTY_REDIS_PREFIX must be 1 to 64 characters of A-Z a-z 0-9 : _ . - { }');
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

  const keyRotationLead = integer(env, 'KPARTY_KEY_ROTATION_LEAD', 600, JWKS_MAX_AGE_SECONDS + 1, 86_400);
  const keyRotationInterval = integer(env, 'KPARTY_KEY_ROTATION_INTERVAL', 30 * 86_400, 0, 365 * 86_400);
  if (keyRotationInterval !== 0 && keyRotationInterval <= keyRotationLead) {
    throw new ConfigError(`KPARTY_KEY_ROTATION_INTERVAL (${keyRotationInterval}) must exceed KPARTY_KEY_ROTATION_LEAD (${keyRotationLead}), or be 0 (off)`);
  }

  const statusCacheMinTtl = integer(env, 'KPARTY_STATUS_CACHE_MIN_TTL', 60, 0, 86_400);
  const statusCacheMaxTtl = integer(env, 'KPARTY_STATUS_CACHE_MAX_TTL', 3600, 1, 7 * 86_400);
  if (statusCacheMinTtl > statusCacheMaxTtl) {
    throw new ConfigError(`KPARTY_STATUS_CACHE_MIN_TTL (${statusCacheMinTtl}) must not exceed KPARTY_STATUS_CACHE_MAX_TTL (${statusCacheMaxTtl})`);
  }

  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }

  const host = (env.HOST ?? '').trim() || '0.0.0.0';
  if (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host)) {
    throw new ConfigError(`HOST must be an IP address or a host name to bind, e.g. 0.0.0.0, 127.0.0.1 or ::, got ${JSON.stringify(env.HOST)}`);
  }
  const logHolder = env.KPARTY_LOG_HOLDER || 'hash';
  if (logHolder !== 'hash' && logHolder !== 'omit') {
    throw new ConfigError(`KPARTY_LOG_HOLDER must be hash or omit, got ${JSON.stringify(env.KPARTY_LOG_HOLDER)}`);
  }
  const didDrivers = (env.KPARTY_DID_DRIVERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of didDrivers) {
    if (!/^(?:@[a-z0-9][a-z0-9._-]{0,100}\/)?[a-z0-9][a-z0-9._-]{0,100}$/.test(name)) {
      throw new ConfigError(`KPARTY_DID_DRIVERS entries must be npm package names, got ${JSON.stringify(name)}`);
    }
  }
  const trustAnchorsDir = env.KPARTY_TRUST_ANCHORS || undefined;
  if (trustAnchorsDir !== undefined && trustAnchorsDir.trim() !== trustAnchorsDir) {
    throw new ConfigError('KPARTY_TRUST_ANCHORS must be a folder path without surrounding spaces');
  }

  return {
    host,
    logHolder,
    didDrivers,
    port,
    issuer,
    database,
    redisUrl,
    redisPrefix,
    adminKey,
    policiesDir: env.KPARTY_POLICIES_DIR || undefined,
    sessionTtl,
    sessionMaxTtl,
    challengeTtl: integer(env, 'KPARTY_CHALLENGE_TTL', 300, 1, 86_400),
    policyCacheMaxAge: integer(env, 'KPARTY_POLICY_CACHE_MAX_AGE', 60, 0, 3600),
    clockSkew: integer(env, 'KPARTY_CLOCK_SKEW', 60, 0, 3600),
    outboundAllow: parseOutboundAllow(env.KPARTY_OUTBOUND_ALLOW),
    fetchTimeoutMs: integer(env, 'KPARTY_FETCH_TIMEOUT_MS', 3000, 1, 60_000),
    dnsLimits: {
      maxConcurrent: integer(env, 'KPARTY_DNS_MAX_CONCURRENT', 2, 1, 64),
      maxQueued: integer(env, 'KPARTY_DNS_MAX_QUEUED', 256, 0, 100_000),
    },
    fetchMaxBytes: integer(env, 'KPARTY_FETCH_MAX_BYTES', 1_048_576, 1, 64 * 1_048_576),
    didCache: parseDidCache(env),
    rateLimitPerMinute: integer(env, 'KPARTY_RATE_LIMIT', 600, 0, 10_000_000),
    rateLimitPerPolicyPerMinute: integer(env, 'KPARTY_RATE_LIMIT_PER_POLICY', 0, 0, 100_000_000),
    trustProxy: parseTrustProxy(env.KPARTY_TRUST_PROXY),
    auditRetentionDays: integer(env, 'KPARTY_AUDIT_RETENTION_DAYS', 90, 0, 36_500),
    statusCacheMinTtl,
    statusCacheMaxTtl,
    statusStaleGrace: integer(env, 'KPARTY_STATUS_STALE_GRACE', 600, 0, 7 * 86_400),
    statusMaxListBytes: integer(env, 'KPARTY_STATUS_MAX_LIST_BYTES', 16 * 1_048_576, 16_384, 256 * 1_048_576),
    maxErrors: integer(env, 'KPARTY_MAX_ERRORS', 100, 1, 10_000),
    maxResponseBytes: integer(env, 'KPARTY_MAX_RESPONSE_BYTES', 1_048_576, 16_384, 64 * 1_048_576),
    keyRotationLead,
    keyRotationInterval,
    requestBudget: {
      maxFetches: integer(env, 'KPARTY_REQUEST_MAX_FETCHES', 16, 1, 1000),
      maxInflatedBytes: integer(env, 'KPARTY_REQUEST_MAX_INFLATED_BYTES', 32 * 1_048_576, 16_384, 4096 * 1_048_576),
      inflateBudgetBytes: integer(env, 'KPARTY_INFLATE_BUDGET_BYTES', 128 * 1_048_576, 16_384, 16_384 * 1_048_576),
    },
    httpTimeouts: {
      requestMs: integer(env, 'KPARTY_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      headersMs: integer(env, 'KPARTY_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
      idleMs: integer(env, 'KPARTY_HTTP_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
      keepAliveMs: integer(env, 'KPARTY_HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    },
    secretKeys: parseSecretKeys(env),
    trustAnchorsDir,
    mdocLimits: {
      maxBytes: integer(env, 'KPARTY_MDOC_MAX_BYTES', 512 * 1024, 4096, 16 * 1_048_576),
      maxDepth: integer(env, 'KPARTY_MDOC_MAX_DEPTH', 24, 8, 64),
      maxItems: integer(env, 'KPARTY_MDOC_MAX_ITEMS', 20_000, 100, 1_000_000),
    },
    refreshReuseGrace: integer(env, 'KPARTY_REFRESH_REUSE_GRACE', 10, 0, 300),
    refreshMaxTtl: integer(env, 'KPARTY_REFRESH_MAX_TTL', 30 * 86_400, 60, 366 * 86_400),
    dpopProofWindow: integer(env, 'KPARTY_DPOP_PROOF_WINDOW', 60, 5, 600),
    dpopNonce: flag(env, 'KPARTY_DPOP_NONCE'),
    dpopMaxProofBytes: integer(env, 'KPARTY_DPOP_MAX_PROOF_BYTES', 8192, 512, 65_536),
    logLevel,
    production,
    jsonldContextsDir: env.KPARTY_JSONLD_CONTEXTS || undefined,
    dataIntegrity: {
      maxDepth: integer(env, 'KPARTY_JSONLD_MAX_DEPTH', 32, 4, 256),
      maxNodes: integer(env, 'KPARTY_JSONLD_MAX_NODES', 2000, 16, 100_000),
      maxQuads: integer(env, 'KPARTY_JSONLD_MAX_QUADS', 1500, 16, 100_000),
      maxBlankNodes: integer(env, 'KPARTY_JSONLD_MAX_BLANK_NODES', 100, 0, 10_000),
      maxWorkFactor: integer(env, 'KPARTY_RDFC_MAX_WORK_FACTOR', 1, 0, 3),
      maxProofs: integer(env, 'KPARTY_DI_MAX_PROOFS', 4, 1, 16),
    },
    oid4vp: parseOid4vp(env, production),
    vcApiPublic: flag(env, 'KPARTY_VC_API_PUBLIC'),
  };
}

/** A 32-byte key written as 64 hex digits or as base64/base64url (43–44 characters). */
function parseSecretKey(name: string, raw: string): Uint8Array {
  const text = raw.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9_+/-]{43}=?$/.test(text)
      ? Buffer.from(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url')
      : undefined;
  if (!bytes || bytes.length !== 32) {
    throw new ConfigError(`${name} must be 32 random bytes as 64 hex digits or base64url (e.g. \`openssl rand -base64 32\`)`);
  }
  return Uint8Array.from(bytes);
}

function parseSecretKeys(env: Env): KpartyConfig['secretKeys'] {
  const current = env.KPARTY_SECRET_KEY;
  const previous = (env.KPARTY_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!current) {
    if (previous.length > 0) throw new ConfigError('KPARTY_SECRET_KEY_PREVIOUS is set without KPARTY_SECRET_KEY: set the new key too');
    return undefined;
  }
  return { current: parseSecretKey('KPARTY_SECRET_KEY', current), previous: previous.map((key) => parseSecretKey('KPARTY_SECRET_KEY_PREVIOUS', key)) };
}
