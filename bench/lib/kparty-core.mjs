/**
 * kparty composed in this process from the BUILT code (dist/), exactly as
 * src/kparty.ts wires it for the service, over memory or SQLite storage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKparty } from '../../dist/kparty.js';
import { loadConfig } from '../../dist/core/config.js';
import { silentLogger } from '../../dist/core/logger.js';
import { createMemoryStorage } from '../../dist/storage/memory/index.js';
import { openSqliteStorage } from '../../dist/storage/sqlite/index.js';

export const AUDIENCE = 'https://orders.example.com';
export const POLICY_ID = 'employee-portal';
export const BENCH_ADMIN_KEY = 'bench-operator-key-0123456789abcdef0123456789';

/**
 * The policy every benchmark verifies against (the example of docs/api.md "Presentation policies"): one
 * EmployeeCredential (jwt_vc_json) with a role from a list and an email,
 * issued within a year, status checked when present, holder binding, the
 * email mapped into the session token. `trustedIssuers` is `*` so the memory
 * benchmark can use 10,000 issuers; an exact list costs the same lookup.
 */
export function benchmarkPolicy() {
  return {
    id: POLICY_ID,
    audience: AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format: 'jwt_vc_json',
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['admin', 'staff'] }, { path: ['credentialSubject', 'email'] }],
        trustedIssuers: ['*'],
        maxAgeSeconds: 31536000,
        status: 'required',
      },
    ],
    holderBinding: 'required',
    session: { ttlSeconds: 300, scope: 'orders:read orders:write', claims: { email: ['employee', 'credentialSubject', 'email'] } },
  };
}

/**
 * A composed kparty (createKparty from dist/kparty.js) on `storage`
 * ('memory' or 'sqlite', a fresh temporary file), with the benchmark policy
 * stored as a relying party's policy (looked up from storage on every
 * verification, as the service does).
 */
export async function composeKparty(storageKind) {
  const dir = storageKind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'kparty-bench-')) : undefined;
  const storage = dir ? openSqliteStorage(join(dir, 'kparty.db')) : createMemoryStorage();
  const config = loadConfig({ KPARTY_ADMIN_KEY: BENCH_ADMIN_KEY, DATABASE_URL: 'sqlite:unused', LOG_LEVEL: 'silent' });
  const kparty = await createKparty(config, { logger: silentLogger, storage });
  await storage.policies.put(benchmarkPolicy(), 'orders', Date.now());
  const storedPolicy = await kparty.policies.find(POLICY_ID);
  // The checks' dependencies as the composition root wired them.
  const deps = kparty.verification;
  if (!deps || !deps.formats || !deps.dids || !deps.nonces) {
    throw new Error('bench: Kparty no longer exposes the verification dependencies as `verification`; update bench/lib/kparty-core.mjs');
  }
  return {
    kparty,
    deps,
    /** POST /v1/presentations/verify without HTTP: the sign-in use case for one presentation. */
    signIn: (presentation, requestId) =>
      kparty.signIn.signIn({ policyId: POLICY_ID, submission: { presentations: [{ input: presentation }] }, binding: { kind: 'challenge' }, requestId }),
    storedPolicy,
    /** A fresh challenge nonce for the benchmark policy. */
    challenge: async () => (await kparty.challenges.issue(POLICY_ID)).challenge,
    close: async () => {
      await kparty.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
